import type { HlsConfig } from 'hls.js';

export type LatencyMode = 'standard' | 'low';

/**
 * hls.js settings per latency mode. Glass-to-glass latency is encoder + segment length + upload +
 * the player's distance from the live edge; the last term is set here.
 *
 * `low` (1 s segments, LL-HLS parts of 333 ms): hls.js in low-latency mode loads parts with
 * blocking playlist reloads and sits the playlist's PART-HOLD-BACK (three parts, 1 s) behind the
 * newest part, so no liveSyncDuration is set here (a user value would override the playlist's);
 * speed up (up to 1.15x) rather than seek when behind. bench/glass-to-glass.ts
 * measures the result. `standard` (2 s segments) keeps hls.js's three segments of margin, which
 * rides out a slow segment without a stall.
 */
export function hlsConfigFor(mode: LatencyMode, opts: { dvr?: boolean } = {}): Partial<HlsConfig> {
  const base = latencyConfig(mode);
  // A stream with a DVR window (dvr_window_seconds): a viewer who seeks back stays where they
  // went, instead of being pulled (or sped up) to the live edge; the embed's GO LIVE jumps back.
  if (!opts.dvr) return base;
  return mode === 'low'
    ? { ...base, maxLiveSyncPlaybackRate: 1 }
    : { ...base, liveMaxLatencyDurationCount: Number.POSITIVE_INFINITY };
}

function latencyConfig(mode: LatencyMode): Partial<HlsConfig> {
  const common: Partial<HlsConfig> = {
    // Our playlists list a segment only once it is readable, so a missing one is a real error.
    manifestLoadingMaxRetry: 4,
    levelLoadingMaxRetry: 6,
    fragLoadingMaxRetry: 6,
    backBufferLength: 30,
    enableWorker: true,
    startLevel: -1,
  };
  if (mode === 'low') {
    return {
      ...common,
      lowLatencyMode: true,
      // No liveMaxLatency*: hls.js refuses either without its liveSync* twin, which would override
      // PART-HOLD-BACK; its default (never seek) leaves catching up to the playback rate.
      maxLiveSyncPlaybackRate: 1.15,
      maxBufferLength: 6,
    };
  }
  return { ...common, lowLatencyMode: false, liveSyncDurationCount: 3, liveMaxLatencyDurationCount: 8 };
}
