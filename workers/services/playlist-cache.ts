import type { LatencyMode } from '@edgelive/shared/origin-protocol';
import { IsolateShare } from '../lib/isolate-share';

/**
 * Live media playlists behind a micro-cache, so a stream's object serves a bounded number of
 * playlist requests per rendition whatever the viewer count (one object serves on the order of
 * a thousand requests a second; a few thousand viewers polling every second would saturate it).
 *
 * - The Cache API holds the object's answer (before any viewer's grant is added, so every viewer
 *   of the stream shares it) for `PLAYLIST_TTL_MS`: a quarter of a segment in low mode, so a
 *   player sees a new segment at most that much later. The Cache API counts in whole seconds, so
 *   the entry carries the time it was stored and an older one counts as a miss.
 * - Concurrent misses in one isolate share one call to the object (lib/isolate-share.ts: the
 *   waiters are handed its text, never its promise).
 * - A segment commit drops the entry in the data centre (and host) that handled the upload
 *   (`dropCachedPlaylist`), so there a segment is listed as soon as it is committed; elsewhere
 *   within the TTL.
 *
 * Answers carry `x-edgelive-cache: HIT|MISS|SHARED` like segments (media-cache.ts).
 */
export const PLAYLIST_TTL_MS: Record<LatencyMode, number> = { standard: 500, low: 250 };

/** Long enough for every viewer of a part to ask for it; short, since a timed-out answer is cached too. */
export const BLOCKING_TTL_MS = 1000;

const STORED_AT = 'x-edgelive-stored-at';

export type PlaylistCacheStatus = 'HIT' | 'MISS' | 'SHARED';

const loads = new IsolateShare<string | null>();

/** How long a waiter waits for another request's load: a plain load is one call to the object; the object holds a blocking reload until its part exists (a few seconds at most). */
const SHARED_WAIT_MS = { plain: 2000, blocking: 6000 };

/** Keyed on the request's own origin (the Cache API is per zone) and the stream, never the viewer. */
const keyUrl = (requestUrl: string, streamId: string, sessionId: string, rendition: string, variant = '') =>
  new URL(`/playlist-cache/${streamId}/${sessionId}/${rendition}${variant}.m3u8`, requestUrl).toString();

/**
 * The live playlist text for a session's rendition: cached, or loaded from the object by `load`
 * (null when the object does not hold the session; not cached, since the caller redirects).
 */
export async function cachedLivePlaylist(
  requestUrl: string,
  key: { streamId: string; sessionId: string; rendition: string; mode: LatencyMode; variant?: string },
  load: () => Promise<string | null>,
): Promise<{ text: string | null; cache: PlaylistCacheStatus }> {
  const url = keyUrl(requestUrl, key.streamId, key.sessionId, key.rendition, key.variant);
  const hit = await caches.default.match(url);
  // A blocking reload's answer (LL-HLS, `variant` names its directives) holds the part it asked
  // for whenever it is read, so every viewer asking for that part shares it for longer.
  const ttl = key.variant ? BLOCKING_TTL_MS : PLAYLIST_TTL_MS[key.mode];
  if (hit && Date.now() - Number(hit.headers.get(STORED_AT)) < ttl) return { text: await hit.text(), cache: 'HIT' };
  await hit?.body?.cancel();
  const shared = await loads.wait(url, key.variant ? SHARED_WAIT_MS.blocking : SHARED_WAIT_MS.plain);
  if (shared) return { text: shared.value, cache: 'SHARED' };
  const mine = loads.begin(url);
  try {
    const text = await load();
    mine.ready(text);
    if (text !== null) {
      const stored = new Response(text, {
        headers: { 'cache-control': 'public, max-age=1', [STORED_AT]: String(Date.now()) },
      });
      // Awaited before the in-isolate share ends, so no request falls between the two and calls the object.
      await caches.default.put(url, stored).catch(() => undefined);
    }
    return { text, cache: 'MISS' };
  } finally {
    mine.release();
  }
}

/** After a segment commit: this colo's copy is stale. */
export async function dropCachedPlaylist(requestUrl: string, streamId: string, sessionId: string, rendition: string) {
  await caches.default.delete(keyUrl(requestUrl, streamId, sessionId, rendition)).catch(() => false);
}
