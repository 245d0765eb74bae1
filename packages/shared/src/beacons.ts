import { z } from 'zod';

/**
 * The player beacon wire format (`POST /v1/beacons`, public, keyed by playback id). One beacon is
 * a snapshot of one view so far: its counters are cumulative since the view started, so a lost
 * beacon loses nothing (the next one carries the totals) and a repeated one adds nothing. The
 * embed player, the React player and `trackPlayer(hls, ...)` of the client package send it; a
 * customer's own player may send the same (docs/beacons.md).
 *
 * Beacons are sent as JSON with content type `text/plain` or `application/json`; `text/plain` is
 * what `navigator.sendBeacon(url, string)` uses, and it needs no CORS preflight.
 */

export const BEACON_LIMITS = {
  /** Bytes; a bigger body is refused with 413 before it is parsed. */
  maxBodyBytes: 4096,
  /** Beacons a view may send per minute (a heartbeat every 10 s is 6); above: 429. */
  perViewPerMinute: 30,
  /** Beacons one address may send to one stream per minute (many tabs behind one NAT fit). */
  perAddressPerMinute: 600,
  /** How often the players send a heartbeat. */
  heartbeatMs: 10_000,
} as const;

/** Random ids made by the player: a view (one page load of one video) and a viewer (kept in storage). */
const clientId = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

/** Cumulative milliseconds: at most a day per view. */
const ms = z.number().int().min(0).max(86_400_000);

/** Cumulative frames: a day at 240 fps is about 21 million. */
const frames = z.number().int().min(0).max(25_000_000);

export const BEACON_EVENTS = ['view_start', 'heartbeat', 'rendition_change', 'error', 'view_end'] as const;

export const BeaconSchema = z
  .object({
    /** Which video: the playback id the player opened. */
    playback_id: z.string().min(3).max(64),
    view_id: clientId,
    viewer_id: clientId,
    /** What made the player send now. */
    event: z.enum(BEACON_EVENTS),
    /** Beacons of a view are numbered from 0; the object ignores one it has already seen. */
    seq: z.number().int().min(0).max(100_000),
    /** Time from the player starting to load to the first frame shown; null until then. */
    startup_ms: ms.nullable(),
    /** Time spent playing (not paused, not stalled) so far. */
    playing_ms: ms,
    rebuffer_count: z.number().int().min(0).max(100_000),
    rebuffer_ms: ms,
    /**
     * Frames the video element dropped, and all it decoded, since the view started
     * (`HTMLVideoElement.getVideoPlaybackQuality()`: `droppedVideoFrames`, `totalVideoFrames`).
     * Optional: a player that cannot tell leaves them out, and its views count no frames.
     */
    dropped_frames: frames.optional(),
    total_frames: frames.optional(),
    /** Fatal player errors so far. */
    error_count: z.number().int().min(0).max(100_000),
    /** The code of the latest error, for `event: "error"`. */
    error_code: z.string().max(64).optional(),
    /** Height of the rendition playing now (0 for audio only); null before the first one. */
    rendition: z.number().int().min(0).max(8640).nullable(),
    /** Wall-clock distance of the frame on screen behind live (EXT-X-PROGRAM-DATE-TIME), when live. */
    live_latency_ms: z.number().int().min(0).max(3_600_000).nullable(),
    /** Which player sent it, e.g. `edgelive-embed/1`, `edgelive-react/1`, `custom`. */
    player: z.string().max(64).optional(),
  })
  .strict();

export type Beacon = z.infer<typeof BeaconSchema>;
