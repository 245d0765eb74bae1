import type { Context } from 'hono';
import type { AppEnv } from '../env';
import { type ByteRange, parseRange } from '../lib/byte-range';
import { IsolateShare } from '../lib/isolate-share';

/**
 * Segments (and other immutable media) from R2 behind the Cache API. The cache key is the object's
 * canonical URL, `<origin>/media/<R2 key>`: no token, no grant, not even the playback id, so every
 * viewer of every playback id of a stream shares one cached copy, and a segment reaches R2 about
 * once per data centre. Concurrent misses in one isolate share a single R2 read.
 *
 * Responses carry `x-edgelive-cache: HIT|MISS|SHARED` (only MISS read R2), which the delivery
 * benchmark counts.
 *
 * A cache hit answered whole streams the cached body through instead of copying it into an
 * ArrayBuffer in the isolate and out again (one copy of every segment served fewer, and no garbage
 * for the collector); only a range request reads the bytes, to slice them. It did not change the
 * soak's memory plateau, which is the local runtime's (docs/handbook/viewer-analytics-and-health.md).
 */
interface Blob {
  bytes: ArrayBuffer;
  etag: string;
  /** Media seconds in the object (R2 custom metadata `duration`, set by the segment upload). */
  duration: number | null;
}

/** The cached copy keeps the object's duration in this header (the Cache API has no metadata). */
const DURATION_HEADER = 'x-edgelive-duration';

const durationOf = (v: string | null | undefined) => {
  const n = v ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
};

/** What a response carried, for usage metering: bytes sent of the object's size, and its duration. */
export interface Served {
  bytes: number;
  size: number;
  duration: number | null;
}

/** Concurrent misses in this isolate share one R2 read (lib/isolate-share.ts). */
const reads = new IsolateShare<Blob | null>();

export interface MediaOptions {
  contentType: string;
  cacheControl: string;
  /** Immutable objects only: a cached copy is never revalidated. */
  cacheable: boolean;
  /** Called when bytes are sent (200 or 206 to a GET), cache hits included. */
  onServed?: (served: Served) => void;
}

type Ctx = Context<AppEnv>;

const cacheKey = (c: Ctx, r2Key: string) => new Request(new URL(`/media/${r2Key}`, c.req.url).toString());

/** How long a request waits for another's read of the same object before reading R2 itself. */
const SHARED_WAIT_MS = 5000;

/** The object's bytes, and whether another request's read supplied them. */
async function readR2(c: Ctx, r2Key: string, cacheable: boolean): Promise<{ blob: Blob | null; shared: boolean }> {
  const shared = await reads.wait(r2Key, SHARED_WAIT_MS);
  if (shared) return { blob: shared.value, shared: true };
  const mine = reads.begin(r2Key);
  let blob: Blob | null;
  try {
    const obj = await c.env.MEDIA.get(r2Key);
    blob = obj && {
      bytes: await obj.arrayBuffer(),
      etag: obj.httpEtag,
      duration: durationOf(obj.customMetadata?.duration),
    };
    mine.ready(blob);
  } catch (err) {
    mine.release();
    throw err;
  }
  // The read stays shared until the cache holds the object, so no request falls in the gap
  // between "R2 answered" and "the cache has it" and reads R2 again.
  const stored =
    blob && cacheable
      ? caches.default.put(
          cacheKey(c, r2Key),
          new Response(blob.bytes, {
            headers: {
              etag: blob.etag,
              'cache-control': 'public, max-age=31536000, immutable',
              ...(blob.duration === null ? {} : { [DURATION_HEADER]: String(blob.duration) }),
            },
          }),
        )
      : Promise.resolve();
  c.executionCtx.waitUntil(stored.catch(() => undefined).finally(() => mine.release()));
  return { blob, shared: false };
}

const etagMatches = (header: string | undefined, etag: string) =>
  !!header &&
  (header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag.replace(/^W\//, '')));

export async function serveMedia(c: Ctx, r2Key: string, opts: MediaOptions): Promise<Response | null> {
  const head = c.req.method === 'HEAD';
  let blob: Blob | null = null;
  let size = 0;
  /** The cached copy's body, still unread: what a whole-object answer sends on. */
  let stream: ReadableStream | null = null;
  // MISS: this request read R2; SHARED: it waited for another request's read of the same object.
  let status: 'HIT' | 'MISS' | 'SHARED' = 'MISS';
  if (opts.cacheable) {
    const hit = await caches.default.match(cacheKey(c, r2Key));
    if (hit) {
      const length = Number(hit.headers.get('content-length') ?? Number.NaN);
      const known = Number.isSafeInteger(length) && length >= 0;
      // Bytes are read only to slice a range (or when the cached copy does not say its length).
      const read = !head && (!!c.req.header('range') || !known);
      if (!head && !read) stream = hit.body;
      else if (!read) await hit.body?.cancel();
      const bytes = read ? await hit.arrayBuffer() : new ArrayBuffer(0);
      blob = { bytes, etag: hit.headers.get('etag') ?? '', duration: durationOf(hit.headers.get(DURATION_HEADER)) };
      size = read ? bytes.byteLength : known ? length : 0;
      status = 'HIT';
    }
  }
  if (!blob && head) {
    // Probing players and revalidating caches must not pull the bytes out of R2.
    const meta = await c.env.MEDIA.head(r2Key);
    if (!meta) return null;
    blob = { bytes: new ArrayBuffer(0), etag: meta.httpEtag, duration: null };
    size = meta.size;
  } else if (!blob) {
    const read = await readR2(c, r2Key, opts.cacheable);
    if (!read.blob) return null;
    blob = read.blob;
    if (read.shared) status = 'SHARED';
    size = blob.bytes.byteLength;
  }

  const headers: Record<string, string> = {
    'content-type': opts.contentType,
    'cache-control': opts.cacheControl,
    etag: blob.etag,
    'accept-ranges': 'bytes',
    'x-edgelive-cache': status,
  };
  const unsent = async () => void (await stream?.cancel());
  if (etagMatches(c.req.header('if-none-match'), blob.etag)) {
    await unsent();
    return c.body(null, 304, headers);
  }

  const range: ByteRange | 'unsatisfiable' | null = parseRange(c.req.header('range'), size);
  if (range === 'unsatisfiable') {
    await unsent();
    return c.body(null, 416, { ...headers, 'content-range': `bytes */${size}` });
  }
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`;
    headers['content-length'] = String(range.end - range.start + 1);
    if (!head) opts.onServed?.({ bytes: range.end - range.start + 1, size, duration: blob.duration });
    return new Response(head ? null : blob.bytes.slice(range.start, range.end + 1), { status: 206, headers });
  }
  headers['content-length'] = String(size);
  if (!head) opts.onServed?.({ bytes: size, size, duration: blob.duration });
  return new Response(head ? null : (stream ?? blob.bytes), { status: 200, headers });
}
