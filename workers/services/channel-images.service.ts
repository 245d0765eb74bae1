import { fromBase64Url, hmacSha256, timingSafeEqual, toBase64Url } from '../../core/crypto';
import type { Db } from '../../core/db/client';
import type { Env } from '../../core/env';
import { ApiError } from '../lib/errors';
import { IMAGE_MIME, sniffImage } from '../lib/image-sniff';
import type { ChannelRow } from '../routes/channels.schema';
import { findChannel, setChannelImage } from './channels.service';

/**
 * Channel images go straight from the customer's client to R2 through a signed PUT URL, so the
 * customer's backend never relays bytes and never hands out an API key. The URL names the app,
 * channel and kind and expires; the Worker checks the bytes (type by magic bytes, size, pixel
 * dimensions) before anything is stored, and stores under a content-addressed key so the served
 * image can be cached for a year (a new upload is a new URL).
 *
 * Resized variants: in production a Cloudflare Images binding could derive them; locally (and
 * without that binding) the original is served as uploaded.
 */
export type ImageKind = 'avatar' | 'banner';

export const IMAGE_LIMITS: Record<ImageKind, { maxBytes: number; maxWidth: number; maxHeight: number }> = {
  avatar: { maxBytes: 2 * 1024 * 1024, maxWidth: 2048, maxHeight: 2048 },
  banner: { maxBytes: 5 * 1024 * 1024, maxWidth: 4096, maxHeight: 2048 },
};
export const MIN_SIDE = 16;
export const UPLOAD_TTL_S = 15 * 60;

interface UploadClaim {
  a: string;
  c: string;
  k: ImageKind;
  exp: number;
}

/** A key of its own for this purpose, derived from the grant secret, so no other MAC can pass as one. */
const macOf = async (env: Env, body: string) =>
  toBase64Url((await hmacSha256(env.PLAYBACK_GRANT_SECRET, `channel-image|${body}`)).subarray(0, 16));

export async function uploadTicket(env: Env, base: string, channel: ChannelRow, kind: ImageKind) {
  const exp = Math.floor(Date.now() / 1000) + UPLOAD_TTL_S;
  const claim: UploadClaim = { a: channel.appId, c: channel.id, k: kind, exp };
  const body = toBase64Url(new TextEncoder().encode(JSON.stringify(claim)));
  const limits = IMAGE_LIMITS[kind];
  return {
    kind,
    method: 'PUT' as const,
    upload_url: `${base}/channel-images/upload/${body}.${await macOf(env, body)}`,
    expires_at: new Date(exp * 1000).toISOString(),
    max_bytes: limits.maxBytes,
    max_width: limits.maxWidth,
    max_height: limits.maxHeight,
    accepted_types: Object.values(IMAGE_MIME),
  };
}

const refuse = (status: 400 | 403 | 413 | 415, code: string, message: string, details?: unknown) =>
  new ApiError(status, code, message, details);

export async function readTicket(env: Env, ticket: string): Promise<UploadClaim> {
  const [body, mac] = ticket.split('.');
  if (!body || !mac || !timingSafeEqual(mac, await macOf(env, body)))
    throw refuse(403, 'invalid_upload_url', 'This upload URL is not one we issued.');
  // The MAC matched, so the body is one we wrote.
  const claim = JSON.parse(new TextDecoder().decode(fromBase64Url(body))) as UploadClaim;
  if (claim.exp < Date.now() / 1000)
    throw refuse(403, 'upload_url_expired', 'This upload URL has expired; ask for a new one.');
  return claim;
}

/** Reads at most `max` bytes; one byte more and the upload is refused without reading the rest. */
async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw refuse(413, 'image_too_large', `Images of this kind are limited to ${max} bytes.`, { max_bytes: max });
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Checks and stores an upload, then points the channel at it. */
export async function acceptUpload(db: Db, env: Env, claim: UploadClaim, req: Request) {
  const channel = await findChannel(db, claim.a, claim.c);
  const limits = IMAGE_LIMITS[claim.k];
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > limits.maxBytes)
    throw refuse(413, 'image_too_large', `Images of this kind are limited to ${limits.maxBytes} bytes.`, {
      max_bytes: limits.maxBytes,
    });
  const bytes = await readCapped(req.body, limits.maxBytes);
  const image = sniffImage(bytes);
  if (!image)
    throw refuse(
      415,
      'unsupported_image_type',
      'Upload a PNG, JPEG or WebP image (checked by its content, not its name).',
    );
  const { width, height } = image;
  if (width > limits.maxWidth || height > limits.maxHeight || width < MIN_SIDE || height < MIN_SIDE)
    throw refuse(
      400,
      'image_dimensions',
      `A ${claim.k} must be ${MIN_SIDE}-${limits.maxWidth} x ${MIN_SIDE}-${limits.maxHeight} pixels.`,
      {
        width,
        height,
        max_width: limits.maxWidth,
        max_height: limits.maxHeight,
      },
    );
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hash = [...digest.subarray(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const key = `channels/${channel.appId}/${channel.id}/${claim.k}-${hash}.${image.type}`;
  await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: IMAGE_MIME[image.type] } });
  return { channel: await setChannelImage(db, channel, claim.k, key), image };
}
