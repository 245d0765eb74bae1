import { and, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { streamSessions } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { thumbnailsPrefix, timedThumbnailKey } from '../../core/media-keys';
import { notFound } from '../lib/errors';

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
