import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { pngBytes } from '../lib/image-fixtures';
import { BASE, call, tenant } from '../test/helpers';
import { createStream, originCall, publish, sessionPath, uploadSegment } from '../test/origin';

const meta = (html: string, key: string) =>
  new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)">`).exec(html)?.[1] ?? null;

async function channelWithStream(opts: { recording?: boolean } = {}) {
  const t = await tenant();
  const ch = await call('/v1/channels', {
    auth: t.key.token,
    body: {
      slug: 'ada',
      display_name: 'Ada <Live>',
      bio: 'Synths & code',
      links: [{ label: 'Site', url: 'https://ada.example' }],
    },
  });
  const up = await call(`/v1/channels/${ch.json.id}/images`, { auth: t.key.token, body: { kind: 'avatar' } });
  await exports.default.fetch(new Request(up.json.upload_url, { method: 'PUT', body: pngBytes(128, 128) }));
  const s = await createStream(t.key.token, {
    name: 'Friday jam',
    playback_policies: ['public'],
    reconnect_window: 0,
    recording: !!opts.recording,
    ladder: ['source', '720p'],
  });
  await call(`/v1/channels/${ch.json.id}/streams/${s.id}`, { method: 'PUT', auth: t.key.token });
  return { t, ch: ch.json, s };
}

describe('watch pages', () => {
  it('renders an offline channel with Open Graph and Twitter tags, escaped, and its room for going live', async () => {
    const { t, s } = await channelWithStream();
    const page = await call(`/watch/${t.app.id}/ada`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('data-state="offline"');
    expect(meta(page.text, 'og:title')).toBe('Ada &lt;Live&gt; · Edgelive');
    expect(meta(page.text, 'og:description')).toBe('Synths &amp; code');
    expect(meta(page.text, 'og:url')).toBe(`${BASE}/watch/${t.app.id}/ada`);
    expect(meta(page.text, 'og:image')).toMatch(new RegExp(`^${BASE}/channel-images/channels/.+avatar-.+\\.png$`));
    expect(meta(page.text, 'twitter:card')).toBe('summary_large_image');
    expect(page.text).not.toContain('<Live>');
    const config = JSON.parse(
      /<script id="watch-config" type="application\/json">(.*?)<\/script>/.exec(page.text)![1]!,
    );
    const room = (await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json.room_id;
    expect(config).toMatchObject({ mode: 'channel', chat: true, stream: { id: s.id, status: 'idle', room_id: room } });
  });

  it('shows a live stream with its frame as the preview, and lists a recording with a page of its own', async () => {
    const { t, s } = await channelWithStream({ recording: true });
    const pub = await publish(s.stream_key);
    const sid = pub.json.session_id as string;
    for (const seq of [0, 1]) await uploadSegment(s.id, sid, '720p', seq, { pdt: new Date(Date.now() + seq * 2000) });
    const live = await call(`/watch/${t.app.id}/ada`);
    expect(live.text).toContain('data-state="live"');
    expect(meta(live.text, 'og:title')).toBe('Ada &lt;Live&gt; is live: Friday jam · Edgelive');
    expect(meta(live.text, 'og:image')).toMatch(/\/thumbnails\/pb_\w+\.jpg$/);

    await originCall(`${sessionPath(s.id, sid)}/publish-done`, { body: {} });
    const after = await call(`/watch/${t.app.id}/ada`);
    expect(after.text).toContain('data-state="offline"');
    expect(after.text).toContain(`/watch/${t.app.id}/ada/recordings/${sid}`);
    const state = await call(`/watch/${t.app.id}/ada/state.json`);
    expect(state.json.recordings[0]).toMatchObject({
      href: `/watch/${t.app.id}/ada/recordings/${sid}`,
      title: 'Friday jam',
    });

    const rec = await call(`/watch/${t.app.id}/ada/recordings/${sid}`);
    expect(rec.status).toBe(200);
    expect(rec.text).toContain('data-state="recording"');
    const config = JSON.parse(/<script id="watch-config" type="application\/json">(.*?)<\/script>/.exec(rec.text)![1]!);
    expect(config.recordingSrc).toMatch(new RegExp(`^/hls/pb_\\w+/recordings/${sid}\\.m3u8$`));
    const master = await call(config.recordingSrc);
    expect(master.status).toBe(200);
    expect(master.text).toContain('#EXT-X-STREAM-INF');
  });

  it('answers 404 for an unknown slug, another app’s slug, an unknown recording and a malformed app id', async () => {
    const { t } = await channelWithStream();
    const other = await tenant();
    expect((await call(`/watch/${t.app.id}/nobody`)).status).toBe(404);
    expect((await call(`/watch/${other.app.id}/ada`)).status).toBe(404);
    expect((await call(`/watch/${t.app.id}/ada/recordings/lsn_AAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    expect((await call('/watch/not-an-app/ada')).status).toBe(404);
  });
});
