import { and, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { assets, streamSessions } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { thumbnailsPrefix, timedThumbnailKey } from '../../core/media-keys';
import { notFound } from '../lib/errors';
import type { VodPlayback } from './vod-playback.service';

/** The stream's newest session (a refused publish has no frames), whose frames `?time=` addresses when no `?session=` is given. */
export async function latestSessionId(db: Db, streamId: string): Promise<string> {
  const last = await db
    .select({ id: streamSessions.id })
    .from(streamSessions)
    .where(and(eq(streamSessions.streamId, streamId), ne(streamSessions.status, 'refused')))
    .orderBy(desc(streamSessions.createdAt))
    .limit(1)
    .get();
  if (!last) throw notFound('session');
  return last.id;
}

/** The frame at or before `t`, else the first after it; frames are a few seconds apart. */
export async function nearestFrame(env: Env, streamId: string, sessionId: string, t: number): Promise<string | null> {
  const prefix = thumbnailsPrefix(streamId, sessionId);
  // Listing starts two minutes before `t` (startAfter excludes its own key, so none near the start).
  const listed = await env.MEDIA.list({
    prefix,
    ...(t > 120 ? { startAfter: timedThumbnailKey(streamId, sessionId, t - 120) } : {}),
    limit: 100,
  });
  const keys = listed.objects.map((o) => o.key);
  const want = timedThumbnailKey(streamId, sessionId, t);
  return keys.filter((k) => k <= want).pop() ?? keys[0] ?? null;
}

/** How deep a clip of a clip of ... may go before we stop looking for its recording. */
const MAX_CLIP_DEPTH = 16;

/**
 * Where a clip's poster frames are (issue 14): its recording's session frames, shifted by where the
 * clip starts in that recording. Each clip's `clip_start_s` is on its parent's timeline, and a
 * parent clip's timeline starts at its own start, so the offset is the sum up the chain. Null for
 * anything not rooted in a recorded session (an upload has no frames yet).
 */
export async function clipFrames(
  db: Db,
  vod: VodPlayback,
): Promise<{ streamId: string; sessionId: string; offsetS: number } | null> {
  const session = vod.tree.session;
  if (!session) return null;
  let offsetS = 0;
  let id: string | null = vod.asset.id;
  for (let depth = 0; id && depth < MAX_CLIP_DEPTH; depth++) {
    const row: { source: string; parentAssetId: string | null; clipStartS: number | null } | undefined =
      await db.query.assets.findFirst({
        where: eq(assets.id, id),
        columns: { source: true, parentAssetId: true, clipStartS: true },
      });
    if (!row) return null;
    if (row.source !== 'clip') return { ...session, offsetS };
    offsetS += row.clipStartS ?? 0;
    id = row.parentAssetId;
  }
  return null;
}
