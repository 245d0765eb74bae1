import type { Db } from '../../core/db/client';
import { ApiError } from '../lib/errors';
import { resolvePlayback } from './playback.service';

/**
 * One viewer token for a stream's video, thumbnails and room: `aud: ["v","t","chat"]`, `sub` the
 * viewer's user id, `playback_id` the playback id it plays. In the room it opens only the room of
 * that playback id's stream, so a token minted for one creator's stream cannot chat in another's.
 */
export async function requireRoomOfPlayback(db: Db, roomStreamId: string | null, playbackId: unknown) {
  const refused = () =>
    new ApiError(403, 'wrong_subject', 'The token’s playback_id belongs to another stream than this room’s.');
  if (typeof playbackId !== 'string' || !roomStreamId) throw refused();
  const pb = await resolvePlayback(db, playbackId).catch(() => null);
  if (!pb || pb.stream.id !== roomStreamId) throw refused();
}
