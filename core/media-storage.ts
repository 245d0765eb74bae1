import type { Env } from './env';

/**
 * Deleting media means deleting R2 objects, not rows: R2 has no prefix delete, so a prefix is
 * listed a page at a time and each page deleted in one call (R2 takes up to 1000 keys per delete).
 * Keys are listed again after each delete, so a retry after a failure picks up where it stopped.
 */
export async function deletePrefix(env: Env, prefix: string): Promise<number> {
  let deleted = 0;
  for (;;) {
    const page = await env.MEDIA.list({ prefix, limit: 1000 });
    if (!page.objects.length) return deleted;
    await env.MEDIA.delete(page.objects.map((o) => o.key));
    deleted += page.objects.length;
    if (!page.truncated) return deleted;
  }
}

/** Where a live session's media lives: its segments, its recording's playlists, its poster frames. */
export const sessionMediaPrefixes = (streamId: string, sessionId: string) => [
  `live/${streamId}/${sessionId}/`,
  `recordings/${streamId}/${sessionId}/`,
  `thumbnails/${streamId}/${sessionId}/`,
];

/** Everything a stream ever wrote (every session, and its latest poster frame). */
export const streamMediaPrefixes = (streamId: string) => [
  `live/${streamId}/`,
  `recordings/${streamId}/`,
  `thumbnails/${streamId}/`,
];

export async function deletePrefixes(env: Env, prefixes: readonly string[]): Promise<number> {
  let n = 0;
  for (const p of prefixes) n += await deletePrefix(env, p);
  return n;
}
