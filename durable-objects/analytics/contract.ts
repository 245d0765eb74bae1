import type { Beacon } from '@edgelive/shared/beacons';
import type { RefusalTable, RpcResult } from '../../core/rpc';

/** The RPC surface of the analytics object (one per stream, addressed by the stream id). */

/** A beacon with what the Worker learnt about its sender (the browser never states these). */
export interface IngestInput {
  beacon: Beacon;
  appId: string;
  streamId: string;
  /** The stream's chat room, told the video viewer count (null: the stream has none). */
  roomId: string | null;
  /** The sender's address, only for the flood limit; never stored beyond the current minute. */
  address: string;
  country: string;
  browser: string;
  os: string;
}

export type IngestRefusal = 'beacon_rate_limited';
export type IngestResult = RpcResult<{ accepted: boolean }, IngestRefusal>;

export const INGEST_REFUSALS: RefusalTable<IngestRefusal> = {
  beacon_rate_limited: { status: 429, message: 'Too many beacons from this view or address; slow down.' },
};

/** Views that sent a beacon within this long count as watching now. */
export const CONCURRENT_WINDOW_MS = 30_000;

/** The object flushes to D1 at most this long after a beacon. */
export const FLUSH_DELAY_MS = 3_000;
