import { dvrWindowCount, MAX_SESSION_SECONDS, SEGMENT_SECONDS } from '@edgelive/shared/live-timing';
import { renderMediaPlaylist } from '@edgelive/shared/playlist';
import type { LiveTail, MasterInfo, StreamConfig } from './contract';
import { lowLatencyApplies, lowLatencyOf } from './ll-window';
import type { PartLog } from './part-log';
import { KEY_URI } from './recording';
import type { SegmentLog } from './segment-log';

/**
 * How much of a live session its playlists list (issue 14's DVR window), and the session's tail
 * for instant clips. Every segment listed here was committed after its R2 write and is kept in R2
 * until the session is over (live-only media is swept only after the session ended), so a window
 * of any length never names a segment that is gone.
 */

/** Segments in the live playlist: the DVR window, or the plain live window when it is 0. */
export const liveWindowCount = (cfg: StreamConfig) => dvrWindowCount(cfg.latencyMode, cfg.dvrWindowS ?? 0);

/**
 * Segments the log keeps for a stream that does not record: twice what the playlist lists, so a
 * player that loaded the playlist a moment ago still finds its segments' rows.
 */
export const pruneKeep = (cfg: StreamConfig) => liveWindowCount(cfg) * 2;

/** When a session that started at `startedAt` must end (Mux's max continuous duration). */
export const maxDurationAt = (cfg: StreamConfig, startedAt: number) =>
  startedAt + (cfg.maxDurationS ?? MAX_SESSION_SECONDS) * 1000;

export function renderLivePlaylist(
  log: SegmentLog,
  cfg: StreamConfig,
  sessionId: string,
  rendition: string,
  ended: boolean,
  ll?: { parts: PartLog; skip: boolean },
): string {
  const w = log.window(sessionId, rendition, liveWindowCount(cfg));
  const low = ll && !ended && lowLatencyApplies(cfg, ll.parts, sessionId, rendition);
  return renderMediaPlaylist({
    ...w,
    ll: low ? lowLatencyOf(log, ll.parts, cfg, sessionId, rendition, w, ll.skip) : undefined,
    nominalDuration: SEGMENT_SECONDS[cfg.latencyMode],
    kind: ended ? 'ended' : 'live',
    uri: (seg) => `${rendition}/${seg.sequence}.ts`,
    keyUri: cfg.encryption ? KEY_URI : undefined,
  });
}

/**
 * The last `seconds` of each live rendition as a VOD playlist (the clip's source; the clip cuts
 * the exact range). Counted at the nominal length plus one, so a short segment cannot leave the
 * range uncovered; never more than the log holds.
 */
export function renderLiveTail(log: SegmentLog, cfg: StreamConfig, master: MasterInfo, seconds: number): LiveTail {
  const count = Math.ceil(seconds / SEGMENT_SECONDS[cfg.latencyMode]) + 1;
  const playlists: Record<string, string> = {};
  let startS = 0;
  for (const [i, v] of master.variants.entries()) {
    const w = log.window(master.sessionId, v.rendition, count);
    const tail = w.segments.reduce((n, s) => n + s.duration, 0);
    if (i === 0) startS = Math.max(0, log.durationOf(master.sessionId, v.rendition) - tail);
    playlists[v.rendition] = renderMediaPlaylist({
      segments: w.segments,
      mediaSequence: 0,
      discontinuitySequence: 0,
      nominalDuration: SEGMENT_SECONDS[cfg.latencyMode],
      kind: 'vod',
      uri: (seg) => `${v.rendition}/${seg.sequence}.ts`,
      keyUri: cfg.encryption ? KEY_URI : undefined,
    });
  }
  return { sessionId: master.sessionId, startS, variants: master.variants, playlists };
}
