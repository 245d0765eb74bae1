import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { pngBytes, solidPng } from '../lib/image-fixtures';
import { sniffImage } from '../lib/image-sniff';
import { variantKey } from '../services/image-variants';
import { BASE, call, tenant, unique } from '../test/helpers';

/**
 * Resized channel images through the Images binding (wrangler.jsonc `images`; here miniflare's
 * local implementation, which resizes with sharp, as Cloudflare Images does in production): the
 * channel answer lists the variant URLs, each answers a WebP of that size, stored once in R2;
 * no width outside the kind's list; an original no larger than the variant, or one the resizer
 * cannot read, is served as it is.
 */
const get = (url: string) => exports.default.fetch(new Request(url));

async function upload(token: string, chId: string, kind: 'avatar' | 'banner', png: Uint8Array) {
  const t = await call(`/v1/channels/${chId}/images`, { auth: token, body: { kind } });
  const up = await exports.default.fetch(new Request(t.json.upload_url, { method: 'PUT', body: png }));
  expect(up.status, await up.clone().text()).toBe(200);
  return (await call(`/v1/channels/${chId}`, { auth: token })).json;
}

async function picture(res: Response) {
  expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return {
    type: res.headers.get('content-type'),
    variant: res.headers.get('x-edgelive-image'),
    size: sniffImage(bytes),
  };
}

describe('channel image variants', () => {
  it('lists avatar and banner variants and serves each resized, as WebP, from R2 after the first time', async () => {
    const { key } = await tenant();
    const slug = unique('img').toLowerCase();
    const ch = (await call('/v1/channels', { auth: key.token, body: { slug, display_name: 'Img' } })).json;
    expect(ch).toMatchObject({ avatar_variants: [], banner_variants: [] });

    const withAvatar = await upload(key.token, ch.id, 'avatar', await solidPng(512, 384, [240, 160, 20]));
    const avatar = withAvatar.avatar_url as string;
    expect(withAvatar.avatar_variants).toEqual([
      { width: 64, url: `${avatar}?w=64` },
      { width: 256, url: `${avatar}?w=256` },
    ]);
    const small = await picture(await get(`${avatar}?w=64`));
    expect(small).toEqual({ type: 'image/webp', variant: 'w64', size: { type: 'webp', width: 64, height: 64 } });
    const again = await get(`${avatar}?w=64`);
    expect(again.headers.get('x-edgelive-cache')).toMatch(/HIT|MISS|SHARED/); // from R2 (or its cache), not resized again
    expect(again.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await picture(again)).size).toEqual({ type: 'webp', width: 64, height: 64 });
    expect((await picture(await get(`${avatar}?w=256`))).size).toEqual({ type: 'webp', width: 256, height: 256 });
    // The original is still the original.
    expect(await picture(await get(avatar))).toMatchObject({ type: 'image/png', size: { width: 512, height: 384 } });

    const withBanner = await upload(key.token, ch.id, 'banner', await solidPng(1600, 400, [20, 60, 200]));
    expect(withBanner.banner_variants.map((v: { width: number }) => v.width)).toEqual([640, 1280]);
    expect((await picture(await get(`${withBanner.banner_url}?w=640`))).size).toEqual({
      type: 'webp',
      width: 640,
      height: 160,
    });

    // The watch page draws the 256 px avatar and the 1280 px banner.
    const page = await (await get(`${BASE}/watch/${ch.app_id}/${slug}`)).text();
    expect(page).toContain(`${avatar}?w=256`);
    expect(page).toContain(`${withBanner.banner_url}?w=1280`);
  });

  it('refuses widths outside the list with 400, and never enlarges a small original', async () => {
    const { key } = await tenant();
    const ch = (
      await call('/v1/channels', { auth: key.token, body: { slug: unique('s').toLowerCase(), display_name: 'S' } })
    ).json;
    const tiny = await solidPng(48, 48, [0, 200, 0]);
    const { avatar_url } = await upload(key.token, ch.id, 'avatar', tiny);
    for (const w of ['100', 'big', '0']) {
      const res = await get(`${avatar_url}?w=${w}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { code: 'invalid_image_width', details: { allowed_widths: [64, 256] } },
      });
    }
    const same = await get(`${avatar_url}?w=256`);
    expect(same.headers.get('x-edgelive-image')).toBe('original');
    expect(same.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await same.arrayBuffer())).toEqual(tiny);

    // A header that passes the upload checks over a body no decoder can read: the resize fails,
    // the original is served under a short cache (tried again later), and nothing is stored.
    const broken = pngBytes(512, 512, 64);
    const after = await upload(key.token, ch.id, 'avatar', broken);
    const fallback = await get(`${after.avatar_url}?w=64`);
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get('x-edgelive-image')).toBe('original');
    expect(fallback.headers.get('cache-control')).toBe('public, max-age=300');
    expect(new Uint8Array(await fallback.arrayBuffer())).toEqual(broken);
    const storedKey = (after.avatar_url as string).replace(`${BASE}/channel-images/`, '');
    expect(await env.MEDIA.head(variantKey(storedKey, 64))).toBeNull();
  });
});
