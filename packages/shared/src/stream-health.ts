import { z } from 'zod';

/**
 * Stream health (issue 16): what the origin measures of a live session's input and pipeline, sent
 * every `HEALTH.sampleMs` to `POST /internal/origin/streams/{id}/sessions/{sid}/health`, and how the
 * Worker judges a series of samples healthy or degraded. One module for the origin that measures,
 * the Worker that judges and stores, and the console that draws the series.
 */
export const HEALTH = {
  /** How often the origin sends a sample. */
  sampleMs: 10_000,
  /** Input bitrate under this share of the session's usual (the median of its healthy samples). */
  lowBitrateRatio: 0.5,
  /** Healthy samples a session needs before its usual bitrate is known and judged against. */
  baselineSamples: 2,
  /** Consecutive low-bitrate samples before the session is degraded for it (one may be a scene). */
  lowBitrateStreak: 2,
  /** Segments waiting for upload beyond which the upload is falling behind. */
  maxUploadBacklog: 6,
  /** Consecutive clean samples before a degraded session has recovered. */
  recoverStreak: 2,
  /** A segment listed later than this multiple of its target duration after the previous one is late. */
  lateFactor: 1.5,
} as const;

export const HEALTH_REASONS = [
  'input_bitrate_low',
  'segments_late',
  'segments_dropped',
  'encoder_restarting',
  'upload_backlog',
] as const;
export type HealthReason = (typeof HEALTH_REASONS)[number];
export type HealthStatus = 'healthy' | 'degraded';

const count = z.number().int().min(0).max(1_000_000);
const nonNeg = z.number().min(0).max(1e9);

/** One sample: measured over the `window_s` seconds before `at`, on the session's source rendition. */
export const healthSampleSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  window_s: z.number().positive().max(600),
  /** Source rendition bytes over media seconds listed in the window (the publisher's video + audio). */
  input_bitrate_kbps: nonNeg,
  /** Video frames per second of media, from a segment of the window (null: none probed). */
  frame_rate: nonNeg.nullable(),
  /** Seconds between keyframes in that segment (null: fewer than two keyframes in it). */
  keyframe_interval_s: nonNeg.nullable(),
  segments: count,
  /** Listed later than `lateFactor` × their target after the one before (input stalls, encoder lag). */
  segments_late: count,
  /**
   * Segments of the session the origin gave up on in the window (its upload buffer was full, or
   * the Worker refused them for good): a gap viewers see. Optional for origins older than it.
   */
  segments_dropped: count.default(0),
  /** Segment closed (listed by FFmpeg) to stored in the Worker, p95 over the window's uploads. */
  upload_lag_ms_p95: nonNeg.nullable(),
  /** Segments of the session listed and not yet in the Worker. */
  upload_backlog: count,
  /** FFmpeg restarts of this session so far (cumulative). */
  encoder_restarts: count,
});
export type HealthSample = z.infer<typeof healthSampleSchema>;

export interface HealthVerdictState {
  status: HealthStatus;
  reasons: HealthReason[];
  lowStreak: number;
  cleanStreak: number;
  restarts: number;
}

export const initialHealth = (): HealthVerdictState => ({
  status: 'healthy',
  reasons: [],
  lowStreak: 0,
  cleanStreak: 0,
  restarts: 0,
});

/**
 * The next state after a sample, given the session's usual bitrate (null while unknown). Pure, so
 * the Worker's judgement is tested sample by sample. A degraded session names every reason seen
 * since it degraded; it recovers after `recoverStreak` clean samples in a row.
 */
export function judgeHealth(
  prev: HealthVerdictState,
  s: HealthSample,
  baselineKbps: number | null,
): HealthVerdictState & { problems: HealthReason[] } {
  const low = baselineKbps !== null && s.input_bitrate_kbps < baselineKbps * HEALTH.lowBitrateRatio;
  const lowStreak = low ? prev.lowStreak + 1 : 0;
  const problems: HealthReason[] = [];
  if (lowStreak >= HEALTH.lowBitrateStreak) problems.push('input_bitrate_low');
  if (s.segments_late > 0) problems.push('segments_late');
  if (s.segments_dropped > 0) problems.push('segments_dropped');
  if (s.encoder_restarts > prev.restarts) problems.push('encoder_restarting');
  if (s.upload_backlog > HEALTH.maxUploadBacklog) problems.push('upload_backlog');
  // A low sample not yet long enough to degrade is not clean either.
  const clean = problems.length === 0 && !low;
  const cleanStreak = clean ? prev.cleanStreak + 1 : 0;
  const base = { lowStreak, cleanStreak, restarts: s.encoder_restarts, problems };
  if (problems.length > 0) {
    const reasons = prev.status === 'degraded' ? [...new Set([...prev.reasons, ...problems])] : problems;
    return { ...base, status: 'degraded', reasons };
  }
  if (prev.status === 'degraded' && cleanStreak < HEALTH.recoverStreak)
    return { ...base, status: 'degraded', reasons: prev.reasons };
  return { ...base, status: 'healthy', reasons: [] };
}

/** The median of the values (the usual bitrate of a session's healthy samples). */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
