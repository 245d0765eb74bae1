import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';

/** What a viewer can read: text, titles, meta contents and alt texts (not element ids or script names). */
const readable = (html: string) =>
  [
    html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' '),
    ...[...html.matchAll(/(?:content|alt)="([^"]*)"/g)].map((m) => m[1]),
  ]
    .join(' ')
    // The test host is edgelive.test; on a customer's domain URLs carry its name.
    .replace(/https?:\/\/\S+/g, '');

async function brandedChannel() {
  const t = await tenant();
  const ch = await call('/v1/channels', { auth: t.key.token, body: { slug: 'wed', display_name: 'Sam & Alex' } });
  const s = await call('/v1/streams', { auth: t.key.token, body: { name: 'Ceremony', playback_policies: ['public'] } });
  await call(`/v1/channels/${ch.json.id}/streams/${s.json.id}`, { method: 'PUT', auth: t.key.token });
  return { t, ch: ch.json, s: s.json, pb: s.json.playback_ids[0].id as string };
}

describe('branding', () => {
  it('starts on the defaults, takes a brand, and resets', async () => {
    const { key } = await tenant();
    const before = await call('/v1/branding', { auth: key.token });
    expect(before.json).toMatchObject({ name: 'Edgelive', custom: false, powered_by: true, theme: 'dark' });
    const put = await call('/v1/branding', {
      method: 'PUT',
      auth: key.token,
      body: { name: 'WedLive', theme: 'light', colors: { accent: '#0f766e' }, footer: '© WedLive 2026' },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({
      name: 'WedLive',
      custom: true,
      powered_by: false,
      theme: 'light',
      colors: { accent: '#0f766e', background: '#f7f7f8' },
    });
    expect((await call('/v1/branding', { method: 'DELETE', auth: key.token })).status).toBe(204);
    expect((await call('/v1/branding', { auth: key.token })).json.custom).toBe(false);
  });

  it('refuses colours that are not #rrggbb, script URLs and unknown fields', async () => {
    const { key } = await tenant();
    for (const body of [
      { name: 'X', colors: { accent: 'red;}body{display:none' } },
      { name: 'X', logo_url: 'javascript:alert(1)' },
      { name: 'X', css: '*{}' },
      { name: '' },
    ])
      expectError(await call('/v1/branding', { method: 'PUT', auth: key.token, body }), 400, 'invalid_request');
  });

  it('applies to the watch page, the chat and player embeds: the brand’s name, colours and footer, no Edgelive name', async () => {
    const { t, pb } = await brandedChannel();
    await call('/v1/branding', {
      method: 'PUT',
      auth: t.key.token,
      body: {
        name: 'WedLive',
        colors: { accent: '#0f766e' },
        footer: 'Made with love by WedLive',
        logo_url: 'https://cdn.wedlive.example/logo.png',
      },
    });
    const watch = await call(`/watch/${t.app.id}/wed`);
    const chat = await call(`/embed/${pb}/chat`);
    const both = await call(`/embed/${pb}?chat=1`);
    const player = await call(`/embed/${pb}`);
    for (const page of [watch, chat, both, player]) {
      expect(page.status).toBe(200);
      expect(readable(page.text).match(/.{0,40}edgelive.{0,40}/i)?.[0] ?? null).toBeNull();
    }
    expect(watch.text).toContain('--accent:#0f766e');
    expect(watch.text).toContain('<span class="brand">WedLive</span>');
    expect(watch.text).toContain('Made with love by WedLive');
    expect(watch.text).toContain('src="https://cdn.wedlive.example/logo.png"');
    expect(watch.text).toContain('<title>Sam &amp; Alex · WedLive</title>');
    expect(chat.text).toContain('id="chat"');
    expect(chat.text).not.toContain('id="video"');
    expect(both.text).toContain('id="chat"');
    expect(both.text).toContain('id="video"');
    expect(player.text).toContain('<title>WedLive</title>');
  });

  it('shows "Powered by Edgelive" by default, and 404s chat embeds of unknown playback ids', async () => {
    const { t, pb } = await brandedChannel();
    expect((await call(`/watch/${t.app.id}/wed`)).text).toContain('Powered by Edgelive');
    expect((await call('/embed/pb_AAAAAAAAAAAAAAAAAAAA/chat')).status).toBe(404);
    expect((await call('/embed/pb_AAAAAAAAAAAAAAAAAAAA?chat=1')).status).toBe(404);
  });
});
