import type { InputReport, LatencyMode, RenditionName, RenditionReport } from '@edgelive/shared/origin-protocol';
import type { RefusalTable, RpcResult } from '../../core/rpc';

/**
 * What the Worker may know of the stream object (durable-objects/stream/stream.do.ts): its RPC
 * inputs and outputs and its refusals. Routes import this, never the object's internals.
 */

export type { InputReport, RenditionReport };

/** What a session runs with, fixed when it starts (a resumed publish keeps it). */
export interface StreamConfig {
  latencyMode: LatencyMode;
  recording: boolean;
  /** AES-128 segments; absent in configs stored before encryption existed. */
  encryption?: boolean;
  reconnectWindowS: number;
  ladder: RenditionName[];
  /** Seconds of the session the live playlists keep for seeking back; absent (older configs) = 0. */
  dvrWindowS?: number;
  /** The session is ended this long after it started; absent (older configs) = 12 h. */
  maxDurationS?: number;
}

export type LiveStatus = 'idle' | 'active' | 'reconnecting';

export interface PublishRequest {
  streamId: string;
  appId: string;
  originId: string;
  config: StreamConfig;
}

export interface PublishAnswer {
  sessionId: string;
  resumed: boolean;
  nextSequence: number;
  config: StreamConfig;
}

/** First half of a segment upload: whether it is already stored, and what usage metering needs. */
export interface SegmentBegun {
  exists: boolean;
  appId: string | null;
  /** The ladder's first rendition: its seconds are the session's ingest time. */
  primary: boolean;
}

export interface SegmentCommit {
  sessionId: string;
  rendition: string;
  sequence: number;
  duration: number;
  pdt: number;
  bytes: number;
  /** The origin says timestamps do not continue from the previous segment (pipeline restart). */
  discontinuity: boolean;
}

/** An LL-HLS part the Worker wrote to R2: which segment (the origin's sequence) and where in it. */
export interface PartCommit {
  sessionId: string;
  rendition: string;
  sequence: number;
  part: number;
  duration: number;
  independent: boolean;
  /** Part 0 of a segment after a discontinuity: the open segment's parts are listed after the tag. */
  discontinuity?: boolean;
}

/** A blocking playlist reload (LL-HLS): `_HLS_msn`, `_HLS_part`, and `_HLS_skip=YES`. */
export interface PlaylistRequest {
  msn?: number;
  part?: number;
  skip: boolean;
}

/**
 * `gone`: the object does not hold the session (the Worker looks for its recording); `too_far`:
 * the request is more than two segments (or the Advance Part Limit) past the live edge (a 400).
 */
export type PlaylistAnswer = { kind: 'playlist'; text: string } | { kind: 'gone' } | { kind: 'too_far' };

export interface MasterVariant {
  rendition: string;
  bandwidth: number;
  averageBandwidth: number | null;
  resolution: string | null;
  codecs: string | null;
  frameRate: number | null;
}

export interface MasterInfo {
  sessionId: string;
  variants: MasterVariant[];
}

/** The live session's last seconds, for an instant clip: VOD playlists per rendition (uris `<rendition>/<n>.ts`). */
export interface LiveTail {
  sessionId: string;
  /** Where the tail's first segment starts in the session (seconds), for the clip's offset. */
  startS: number;
  variants: MasterVariant[];
  playlists: Record<string, string>;
}

export interface StreamStatusAnswer {
  status: LiveStatus | 'disabled' | 'deleted';
  disabled: boolean;
}

/** Why the object refuses an origin's call; the Worker answers each as the table says. */
export type PublishRefusal = 'stream_disabled' | 'stream_deleted' | 'stream_live' | 'session_ending';
/** A rendition outside the session's ladder is a malformed request, answered like a schema failure. */
export type SessionRefusal = 'stream_disabled' | 'session_ended' | 'invalid_request';

/**
 * A refused publish is a 403 or 409 to the agent, which drops the publisher either way. 409 on a
 * session call tells the agent to stop the pipeline (`STOP_CODES` of the origin protocol).
 */
export const PUBLISH_REFUSALS: RefusalTable<PublishRefusal> = {
  stream_disabled: { status: 403, message: 'The stream is disabled.' },
  stream_deleted: { status: 403, message: 'The stream was deleted.' },
  stream_live: {
    status: 409,
    message: 'The stream is live from another publisher; a new one may take over after it stops or stalls.',
  },
  session_ending: {
    status: 409,
    message: 'The previous session is still being finalized; try again in a few seconds.',
  },
};

export const SESSION_REFUSALS: RefusalTable<SessionRefusal> = {
  stream_disabled: { status: 409, message: 'The stream is disabled.' },
  session_ended: { status: 409, message: 'This session has ended (or another origin took it over).' },
  invalid_request: { status: 400, message: "This rendition is not in the session's ladder." },
};

export type PublishResult = RpcResult<PublishAnswer, PublishRefusal>;
export type SessionResult<T extends object = object> = RpcResult<T, SessionRefusal>;
