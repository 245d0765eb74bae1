import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { playbackIds, streams } from '../db/schema/index';
import { ApiError, notFound } from '../lib/errors';
import { isIdOf } from '../lib/ids';

/**
 * What a playback id opens. Public ids play for anyone; signed ids need a viewer token, which
 * issue 4 verifies here (tokens.service.ts). Until then they are refused rather than served open.
 */
export async function resolvePlayback(db: Db, playbackId: string) {
  const row = isIdOf('playbackId', playbackId)
    ? await db
        .select({ policy: playbackIds.policy, stream: streams })
        .from(playbackIds)
        .innerJoin(streams, eq(streams.id, playbackIds.streamId))
        .where(eq(playbackIds.id, playbackId))
        .get()
    : undefined;
  if (!row) throw notFound('playback id');
  if (row.policy !== 'public') {
    throw new ApiError(
      403,
      'signed_playback_unavailable',
      'This playback id is signed; signed delivery is not enabled on this deployment yet.',
    );
  }
  return row.stream;
}
