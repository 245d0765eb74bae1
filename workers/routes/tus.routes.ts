import { eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { uploads } from '../../core/db/schema/index';
import { isIdOf } from '../../core/ids';
import { uploadSourceKey } from '../../core/media-keys';
import type { AppEnv } from '../env';
import { ApiError, badRequest, notFound } from '../lib/errors';
import { appendBody, tooLarge, type UploadRow } from '../services/tus-store';
import { cancelUpload, openUpload, uploadComplete } from '../services/uploads.service';

/**
 * The tus 1.0.0 endpoint of a direct upload (https://tus.io/protocols/resumable-upload), with the
 * `creation`, `expiration` and `termination` extensions. The URL `POST /v1/uploads` handed out
 * is the capability (as with Cloudflare Stream's direct creator uploads): whoever holds it may
 * upload one file, from the CORS origin it was made for, until it expires.
 *
 *   OPTIONS /tus/{upl}   what the server speaks (and the browser's CORS preflight)
 *   POST    /tus/{upl}   creation: Upload-Length (+ Upload-Metadata) → 201, Location = this URL
 *   HEAD    /tus/{upl}   Upload-Offset: where to resume
 *   PATCH   /tus/{upl}   bytes at Upload-Offset (application/offset+octet-stream)
 *   DELETE  /tus/{upl}   termination: the bytes so far are deleted
 */
const TUS_VERSION = '1.0.0';
const EXTENSIONS = 'creation,expiration,termination';
const EXPOSE =
  'Location, Upload-Offset, Upload-Length, Upload-Expires, Upload-Metadata, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size';
const ALLOW_HEADERS =
  'Tus-Resumable, Upload-Length, Upload-Metadata, Upload-Offset, Content-Type, X-Requested-With, X-HTTP-Method-Override';
/** Types a browser may declare for a video file; anything else is refused before a byte is stored. */
const VIDEO_TYPE = /^(video\/[\w.+-]+|application\/octet-stream|application\/x-mpegurl)$/i;

type Ctx = Context<AppEnv>;

const expires = (r: UploadRow) => new Date(r.expiresAt).toUTCString();

function uploadId(c: Ctx) {
  const id = c.req.param('upload_id') ?? '';
  if (!isIdOf('upload', id)) throw notFound('upload');
  return id;
}

/** The browser origin this upload was made for; another one is refused (non-browser callers send none). */
function checkOrigin(c: Ctx, row: UploadRow) {
  const origin = c.req.header('origin');
  if (row.corsOrigin && origin && origin !== row.corsOrigin)
    throw new ApiError(403, 'origin_not_allowed', `This upload accepts requests from ${row.corsOrigin} only.`);
}

function requireTus(c: Ctx) {
  if (c.req.header('tus-resumable') !== TUS_VERSION)
    throw new ApiError(412, 'tus_version', `This server speaks tus ${TUS_VERSION}.`, undefined, {
      'Tus-Version': TUS_VERSION,
    });
}

/** `Upload-Metadata: key base64,key base64`; bad base64 is a 400. */
export function parseMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (header ?? '').split(',')) {
    const [k, v] = pair.trim().split(' ');
    if (!k) continue;
    try {
      out[k] = v
        ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(
            Uint8Array.from(atob(v), (ch) => ch.charCodeAt(0)),
          )
        : '';
    } catch {
      throw badRequest(`Upload-Metadata: the value of ${k} is not base64 of UTF-8.`);
    }
  }
  return out;
}

function integerHeader(c: Ctx, name: string): number {
  const v = c.req.header(name);
  if (v === undefined || !/^\d{1,15}$/.test(v)) throw badRequest(`${name} must be a non-negative integer.`);
  return Number(v);
}

export const tusRoutes = new Hono<AppEnv>()
  .use('/:upload_id', async (c, next) => {
    // Every answer, refusals too, must be readable by the upload's page and say the protocol.
    const row = isIdOf('upload', c.req.param('upload_id'))
      ? await c.get('db').query.uploads.findFirst({ where: eq(uploads.id, c.req.param('upload_id')) })
      : undefined;
    await next();
    const h = c.res.headers;
    h.set('Tus-Resumable', TUS_VERSION);
    h.set('Access-Control-Allow-Origin', row?.corsOrigin ?? '*');
    h.set('Access-Control-Expose-Headers', EXPOSE);
    h.append('Vary', 'Origin');
    if (c.res.status >= 400) h.set('cache-control', 'no-store');
  })
  .options('/:upload_id', async (c) => {
    // Any state answers: a browser's preflight must pass for it to read the real refusal (410, ...).
    const row = await c.get('db').query.uploads.findFirst({ where: eq(uploads.id, uploadId(c)) });
    if (!row) throw notFound('upload');
    return c.body(null, 204, {
      'Tus-Version': TUS_VERSION,
      'Tus-Extension': EXTENSIONS,
      'Tus-Max-Size': String(row.maxBytes),
      'Access-Control-Allow-Methods': 'POST, HEAD, PATCH, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': ALLOW_HEADERS,
      'Access-Control-Max-Age': '86400',
    });
  })
  .post('/:upload_id', async (c) => {
    requireTus(c);
    const db = c.get('db');
    const row = await openUpload(db, c.env, uploadId(c));
    checkOrigin(c, row);
    if (row.status !== 'waiting')
      throw new ApiError(409, 'upload_exists', 'This upload was already created; HEAD it and PATCH from its offset.');
    if (c.req.header('upload-defer-length'))
      throw badRequest('Upload-Defer-Length is not supported: send Upload-Length.');
    const length = integerHeader(c, 'upload-length');
    if (length < 1) throw badRequest('Upload-Length must be at least 1.');
    if (length > row.maxBytes)
      throw new ApiError(413, 'upload_too_large', `This upload accepts at most ${row.maxBytes} bytes.`, {
        max_size_bytes: row.maxBytes,
      });
    const meta = parseMetadata(c.req.header('upload-metadata'));
    const type = meta.filetype ?? meta.type;
    if (type && !VIDEO_TYPE.test(type))
      throw new ApiError(415, 'unsupported_media_type', `Only video files can be uploaded (this one is ${type}).`);
    const mp = await c.env.MEDIA.createMultipartUpload(uploadSourceKey(row.id));
    const [saved] = await db
      .update(uploads)
      .set({
        status: 'uploading',
        length,
        filename: (meta.filename ?? meta.name ?? '').slice(0, 255) || null,
        filetype: type ?? null,
        multipartId: mp.uploadId,
        updatedAt: Date.now(),
      })
      .where(eq(uploads.id, row.id))
      .returning();
    return c.body(null, 201, { Location: new URL(c.req.url).href, 'Upload-Expires': expires(saved!) });
  })
  // Hono answers HEAD with the GET route (and drops the body), so HEAD is written as GET.
  .get('/:upload_id', async (c) => {
    requireTus(c);
    const id = uploadId(c);
    const done = await c.get('db').query.uploads.findFirst({ where: eq(uploads.id, id) });
    // A finished upload still tells a resuming client it has every byte (it then stops).
    const row = done?.status === 'asset_created' ? done : await openUpload(c.get('db'), c.env, id);
    checkOrigin(c, row);
    if (row.status === 'waiting') throw notFound('upload');
    return c.body(null, 200, {
      'Upload-Offset': String(row.offset),
      'Upload-Length': String(row.length),
      'Upload-Expires': expires(row),
      'Cache-Control': 'no-store',
    });
  })
  .patch('/:upload_id', async (c) => {
    requireTus(c);
    const db = c.get('db');
    const row = await openUpload(db, c.env, uploadId(c));
    checkOrigin(c, row);
    if (row.status === 'waiting') throw notFound('upload');
    if (c.req.header('content-type') !== 'application/offset+octet-stream')
      throw new ApiError(415, 'unsupported_media_type', 'PATCH bodies are application/offset+octet-stream.');
    const offset = integerHeader(c, 'upload-offset');
    if (offset !== row.offset)
      throw new ApiError(409, 'offset_mismatch', `This upload is at offset ${row.offset}, not ${offset}.`, {
        offset: row.offset,
      });
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > row.length! - row.offset) throw tooLarge(row.length!);
    const body = c.req.raw.body;
    if (!body) return c.body(null, 204, { 'Upload-Offset': String(row.offset), 'Upload-Expires': expires(row) });
    const r = await appendBody(db, c.env, row, body);
    if (r.complete) await uploadComplete(db, c.env, r.row);
    return c.body(null, 204, { 'Upload-Offset': String(r.row.offset), 'Upload-Expires': expires(r.row) });
  })
  .delete('/:upload_id', async (c) => {
    requireTus(c);
    const row = await openUpload(c.get('db'), c.env, uploadId(c));
    checkOrigin(c, row);
    await cancelUpload(c.get('db'), c.env, row);
    return c.body(null, 204);
  });
