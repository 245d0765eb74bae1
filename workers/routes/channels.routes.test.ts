import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { jpegBytes, pngBytes, webpBytes } from '../lib/image-fixtures';
import { BASE, call, expectError, tenant, unique } from '../test/helpers';

const put = (url: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  exports.default.fetch(
    new Request(url, { method: 'PUT', body, headers: { 'content-type': 'image/png', ...headers } }),
  );

async function channel(token: string, slug = unique('ch').toLowerCase()) {
  const res = await call('/v1/channels', { auth: token, body: { slug, display_name: 'Ada Live', bio: 'Hi' } });
  expect(res.status, res.text).toBe(201);
  return res.json;
}

describe('channels CRUD', () => {
  it('creates, reads, lists, updates and deletes; the slug is unique per app', async () => {
    const { key } = await tenant();
    const ch = await channel(key.token, 'ada');
    expect(ch).toMatchObject({
      id: expect.stringMatching(/^ch_/),
      slug: 'ada',
      display_name: 'Ada Live',
      visibility: 'public',
      avatar_url: null,
      links: [],
      tags: [],
      watch_url: `${BASE}/watch/${ch.app_id}/ada`,
    });
    expectError(
      await call('/v1/channels', { auth: key.token, body: { slug: 'ada', display_name: 'Again' } }),
      409,
      'conflict',
    );
    // Another app may use the same slug.
    const other = await tenant();
    expect(
      (await call('/v1/channels', { auth: other.key.token, body: { slug: 'ada', display_name: 'B' } })).status,
    ).toBe(201);

    const patched = await call(`/v1/channels/${ch.id}`, {
      method: 'PATCH',
      auth: key.token,
      body: {
        bio: 'New bio',
        links: [{ label: 'Site', url: 'https://ada.example' }],
        tags: ['music'],
        visibility: 'unlisted',
      },
    });
    expect(patched.json).toMatchObject({ bio: 'New bio', tags: ['music'], visibility: 'unlisted' });
    const listed = await call('/v1/channels?visibility=unlisted', { auth: key.token });
    expect(listed.json.data.map((c: { id: string }) => c.id)).toEqual([ch.id]);
    expect((await call('/v1/channels?visibility=public', { auth: key.token })).json.data).toEqual([]);

    expectError(await call(`/v1/channels/${ch.id}`, { auth: other.key.token }), 404, 'not_found');
    expect((await call(`/v1/channels/${ch.id}`, { method: 'DELETE', auth: key.token })).status).toBe(204);
    expectError(await call(`/v1/channels/${ch.id}`, { auth: key.token }), 404);
  });

  it('refuses bad slugs, non-http links and unknown fields with 400', async () => {
    const { key } = await tenant();
    for (const body of [
      { slug: 'Has Caps', display_name: 'x' },
      { slug: '-dash', display_name: 'x' },
      { slug: 'ok', display_name: 'x', links: [{ label: 'x', url: 'javascript:alert(1)' }] },
      { slug: 'ok', display_name: 'x', colour: 'red' },
    ])
      expectError(await call('/v1/channels', { auth: key.token, body }), 400, 'invalid_request');
  });

  it('puts a stream on a channel; another app’s stream answers 404', async () => {
    const { key } = await tenant();
    const ch = await channel(key.token);
    const stream = await call('/v1/streams', { auth: key.token, body: {} });
    expect(
      (await call(`/v1/channels/${ch.id}/streams/${stream.json.id}`, { method: 'PUT', auth: key.token })).status,
    ).toBe(204);
    const other = await tenant();
    const foreign = await call('/v1/streams', { auth: other.key.token, body: {} });
    expectError(
      await call(`/v1/channels/${ch.id}/streams/${foreign.json.id}`, { method: 'PUT', auth: key.token }),
      404,
    );
  });
});

describe('channel images', () => {
  async function ticket(token: string, chId: string, kind: 'avatar' | 'banner') {
    const res = await call(`/v1/channels/${chId}/images`, { auth: token, body: { kind } });
    expect(res.status, res.text).toBe(201);
    return res.json;
  }

  it('takes a PNG by signed PUT and serves it with a year of immutable caching', async () => {
    const { key } = await tenant();
    const ch = await channel(key.token);
    const t = await ticket(key.token, ch.id, 'avatar');
    expect(t).toMatchObject({
      method: 'PUT',
      max_bytes: 2 * 1024 * 1024,
      accepted_types: ['image/png', 'image/jpeg', 'image/webp'],
    });
    const up = await put(t.upload_url, pngBytes(256, 256, 100));
    expect(up.status, await up.clone().text()).toBe(200);
    const got = await call(`/v1/channels/${ch.id}`, { auth: key.token });
    expect(got.json.avatar_url).toMatch(new RegExp(`^${BASE}/channel-images/channels/.+/avatar-[0-9a-f]{24}\\.png$`));
    const img = await exports.default.fetch(new Request(got.json.avatar_url));
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(new Uint8Array(await img.arrayBuffer())).toEqual(pngBytes(256, 256, 100));

    // The type comes from the bytes: a JPEG sent as image/png is stored and served as a JPEG.
    const banner = await ticket(key.token, ch.id, 'banner');
    expect((await put(banner.upload_url, jpegBytes(1600, 400))).status).toBe(200);
    const b = (await call(`/v1/channels/${ch.id}`, { auth: key.token })).json.banner_url as string;
    expect(b).toMatch(/banner-[0-9a-f]{24}\.jpeg$/);
    expect((await exports.default.fetch(new Request(b))).headers.get('content-type')).toBe('image/jpeg');
  });

  it('refuses a wrong type (by magic bytes), an oversized file and out-of-range dimensions with 4xx, storing nothing', async () => {
    const { key } = await tenant();
    const ch = await channel(key.token);
    const t = await ticket(key.token, ch.id, 'avatar');
    const gif = new TextEncoder().encode('GIF89a\x10\x00\x10\x00\x00\x00\x00');
    const wrong = await put(t.upload_url, gif);
    expect(wrong.status).toBe(415);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('unsupported_image_type');
    // An SVG named .png is still not an image we accept.
    expect(
      (await put(t.upload_url, new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).status,
    ).toBe(415);

    const big = new Uint8Array(2 * 1024 * 1024 + 1);
    big.set(pngBytes(100, 100));
    const oversized = await put(t.upload_url, big);
    expect(oversized.status).toBe(413);
    expect(((await oversized.json()) as { error: { code: string } }).error.code).toBe('image_too_large');

    const huge = await put(t.upload_url, webpBytes('VP8X', 5000, 5000));
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { error: { code: string; details: unknown } }).error).toMatchObject({
      code: 'image_dimensions',
      details: { width: 5000, height: 5000, max_width: 2048 },
    });
    expect((await put(t.upload_url, pngBytes(8, 8))).status).toBe(400);
    expect((await call(`/v1/channels/${ch.id}`, { auth: key.token })).json.avatar_url).toBeNull();
  });

  it('refuses a tampered or foreign upload URL with 403, and unknown images answer 404', async () => {
    const { key } = await tenant();
    const ch = await channel(key.token);
    const t = await ticket(key.token, ch.id, 'avatar');
    const tampered = t.upload_url.replace(/.$/, (ch0: string) => (ch0 === 'A' ? 'B' : 'A'));
    const res = await put(tampered, pngBytes(64, 64));
    expect(res.status).toBe(403);
    expect((await put(`${BASE}/channel-images/upload/garbage`, pngBytes(64, 64))).status).toBe(403);
    const missing = await exports.default.fetch(
      new Request(`${BASE}/channel-images/channels/app_x/ch_y/avatar-000000000000000000000000.png`),
    );
    expect(missing.status).toBe(404);
    expect((await exports.default.fetch(new Request(`${BASE}/channel-images/../secrets`))).status).toBe(404);
    expectError(await call(`/v1/channels/${ch.id}/images`, { auth: key.token, body: { kind: 'poster' } }), 400);
  });
});
