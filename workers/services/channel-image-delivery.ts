import type { Context } from 'hono';
import { IMMUTABLE } from '../../core/media-keys';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../lib/errors';
import { IMAGE_MIME, type ImageType, sniffImage } from '../lib/image-sniff';
import type { ImageKind } from './channel-images.service';
import { VARIANT_TYPE, variantKey, variantRequest, variantTransform } from './image-variants';
import { serveMedia } from './media-cache';

/**
 * `GET /channel-images/{key}[?w=]`: the original, or a resized variant (image-variants.ts).
 * A variant is derived by the Images binding the first time it is asked for, stored in R2 and from
 * then on served like the original. If the binding fails (a quota, an outage) the original is
 * served under a short cache instead, so the variant is tried again later rather than never.
 */
type Ctx = Context<AppEnv>;

const serveStored = (c: Ctx, key: string, contentType: string) =>
  serveMedia(c, key, { contentType, cacheControl: IMMUTABLE, cacheable: true });

function imageResponse(bytes: ArrayBuffer | Uint8Array, contentType: string, cacheControl: string, variant: string) {
  return new Response(bytes, {
    headers: {
      'content-type': contentType,
      'cache-control': cacheControl,
      'content-length': String(bytes.byteLength),
      'x-edgelive-image': variant,
    },
  });
}

export async function serveChannelImage(c: Ctx, key: string, kind: ImageKind, type: ImageType): Promise<Response> {
  const images = c.env.IMAGES;
  const asked = variantRequest(kind, c.req.query('w'), !!images);
  if (asked.serve === 'invalid')
    throw new ApiError(400, 'invalid_image_width', `A ${kind} comes in widths ${asked.allowed.join(', ')} only.`, {
      allowed_widths: asked.allowed,
    });
  if (asked.serve === 'original' || !images) {
    const res = await serveStored(c, key, IMAGE_MIME[type]);
    if (!res) throw notFound('image');
    res.headers.set('x-edgelive-image', 'original');
    return res;
  }

  const vKey = variantKey(key, asked.width);
  const stored = await serveStored(c, vKey, VARIANT_TYPE);
  if (stored) {
    stored.headers.set('x-edgelive-image', `w${asked.width}`);
    return stored;
  }
  const original = await c.env.MEDIA.get(key);
  if (!original) throw notFound('image');
  const bytes = new Uint8Array(await original.arrayBuffer());
  const dims = sniffImage(bytes);
  const transform = dims ? variantTransform(kind, asked.width, dims) : null;
  // Never upscaled: the original is the variant (deterministic for this key, so cached as such).
  if (!transform) return imageResponse(bytes, IMAGE_MIME[type], IMMUTABLE, 'original');
  try {
    const out = await images
      .input(new Response(bytes).body!)
      .transform(transform)
      .output({ format: VARIANT_TYPE, quality: 85 });
    const resized = await out.response().arrayBuffer();
    await c.env.MEDIA.put(vKey, resized, { httpMetadata: { contentType: VARIANT_TYPE } });
    return imageResponse(resized, VARIANT_TYPE, IMMUTABLE, `w${asked.width}`);
  } catch (err) {
    console.error('channel image: resizing failed, serving the original', vKey, String(err));
    return imageResponse(bytes, IMAGE_MIME[type], 'public, max-age=300', 'original');
  }
}
