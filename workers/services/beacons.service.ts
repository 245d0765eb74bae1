import { BEACON_LIMITS, type Beacon, BeaconSchema } from '@edgelive/shared/beacons';
import type { Db } from '../../core/db/client';
import type { Env } from '../../core/env';
import { analyticsStub } from '../../core/stubs';
import type { IngestResult } from '../../durable-objects/analytics/contract';
import { ApiError, badRequest } from '../lib/errors';
import { resolvePlayback } from './playback.service';
import { parseAgent } from './user-agent';
import { resolveVodPlayback } from './vod-playback.service';

/**
 * Beacon intake: read a bounded body, validate it against the shared wire format, find the
 * stream by its playback id, and hand it to the stream's analytics object with what only the
 * Worker knows (country, browser, OS, address). Nothing here writes D1.
 */
export interface Sender {
  address: string;
  country: string;
  userAgent: string | undefined;
  secChUa: string | undefined;
}

/** Reads at most `max` bytes; a longer body is a 413 even when Content-Length lied or was absent. */
export async function readBounded(req: Request, max: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  const tooLarge = () => new ApiError(413, 'payload_too_large', `Beacons are limited to ${max} bytes.`);
  if (declared > max) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

export function parseBeacon(text: string): Beacon {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest('The beacon is not JSON.');
  }
  const r = BeaconSchema.safeParse(raw);
  if (!r.success) {
    throw new ApiError(400, 'invalid_request', 'The beacon did not match the format (docs/beacons.md).', {
      issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return r.data;
}

/**
 * Whose views a playback id's beacons count under: the stream for a stream's playback id, the
 * asset for an asset's (a recording, an upload, a URL ingest, a clip), so a recording's replays
 * do not add to the live stream's figures. The analytics object and its D1 rows are keyed by
 * that id (`stream_id` holds an `ast_` id for an asset's views; core/db/schema/analytics.ts).
 */
async function subjectOf(
  db: Db,
  playbackId: string,
): Promise<{ appId: string; subjectId: string; roomId: string | null }> {
  try {
    const pb = await resolvePlayback(db, playbackId, { hot: true });
    if (pb.asset) return { appId: pb.appId, subjectId: pb.asset.id, roomId: null };
    return { appId: pb.appId, subjectId: pb.stream.id, roomId: pb.stream.roomId };
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
    // An asset with its own tree (upload, URL ingest, clip) is not found through a stream.
    const vod = await resolveVodPlayback(db, playbackId);
    if (!vod) throw err;
    return { appId: vod.appId, subjectId: vod.asset.id, roomId: null };
  }
}

export async function ingestBeacon(db: Db, env: Env, beacon: Beacon, sender: Sender): Promise<IngestResult> {
  const subject = await subjectOf(db, beacon.playback_id);
  const agent = parseAgent(sender.userAgent, sender.secChUa);
  return analyticsStub(env, subject.subjectId).ingest({
    beacon,
    appId: subject.appId,
    streamId: subject.subjectId,
    // An asset's views have no room to tell (the live count is a live stream's).
    roomId: subject.roomId,
    address: sender.address,
    country: sender.country,
    ...agent,
  });
}

export { BEACON_LIMITS };
