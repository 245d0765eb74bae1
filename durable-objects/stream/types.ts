import type { RenditionName } from '../../workers/lib/ladder';

/** What a session runs with, fixed when it starts (a resumed publish keeps it). */
export interface StreamConfig {
  latencyMode: 'standard' | 'low';
  recording: boolean;
  /** AES-128 segments; absent in configs stored before encryption existed. */
  encryption?: boolean;
  reconnectWindowS: number;
  ladder: RenditionName[];
}

export type LiveStatus = 'idle' | 'active' | 'reconnecting';

/** Why the object refuses an origin's call; the Worker maps each to its HTTP answer. */
export type Refusal = 'stream_disabled' | 'stream_deleted' | 'session_ended' | 'unknown_rendition';

export type Result<T> = ({ ok: true } & T) | { ok: false; code: Refusal };

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

export interface InputReport {
  video_codec: string;
  audio_codec: string | null;
  width: number;
  height: number;
  frame_rate: number;
  bitrate_kbps: number;
}

export interface RenditionReport {
  bandwidth: number;
  average_bandwidth?: number | undefined;
  resolution: string;
  codecs: string;
  frame_rate: number;
}

export interface SegmentCommit {
  sessionId: string;
  rendition: string;
  sequence: number;
  duration: number;
  pdt: number;
  bytes: number;
  discontinuity: boolean;
}

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
