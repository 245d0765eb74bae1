/**
 * The rendition ladder: passthrough `source` plus fixed rungs. The origin never upscales (it drops
 * rungs above the input's height); the API caps rungs at the app's `settings.max_quality`.
 */
export const RUNGS = {
  // The tall rungs are for apps whose max_quality allows them (and 1440p/2160p sources only: the
  // origin never upscales). Bitrates are those of Mux's and YouTube's 30 fps ladders.
  '2160p': { width: 3840, height: 2160, video_bitrate_kbps: 18000 },
  '1440p': { width: 2560, height: 1440, video_bitrate_kbps: 9500 },
  '1080p': { width: 1920, height: 1080, video_bitrate_kbps: 5000 },
  '720p': { width: 1280, height: 720, video_bitrate_kbps: 2800 },
  '480p': { width: 854, height: 480, video_bitrate_kbps: 1400 },
  '360p': { width: 640, height: 360, video_bitrate_kbps: 800 },
  '240p': { width: 426, height: 240, video_bitrate_kbps: 400 },
} as const;

export type RungName = keyof typeof RUNGS;
export const RUNG_NAMES = Object.keys(RUNGS) as RungName[];
export const RENDITION_NAMES = ['source', ...RUNG_NAMES] as const;
export type RenditionName = (typeof RENDITION_NAMES)[number];

/** Source copy plus three rungs: about half a core per 1080p30 stream (bench/transcode.ts). */
export const DEFAULT_LADDER: RenditionName[] = ['source', '720p', '480p', '360p'];

export const isRenditionName = (s: string): s is RenditionName => (RENDITION_NAMES as readonly string[]).includes(s);

/** Source first, then rungs from the highest down: the order of the master playlist. */
export const sortLadder = (names: readonly RenditionName[]): RenditionName[] =>
  [...new Set(names)].sort((a, b) => RENDITION_NAMES.indexOf(a) - RENDITION_NAMES.indexOf(b));

/**
 * A cap at the table's tallest rung caps nothing: no rung is above it, and the passthrough
 * `source` must stay (a 2160p cap, as the business plan sets, is not a reason to drop it).
 */
const TALLEST = Math.max(...Object.values(RUNGS).map((r) => r.height));
const realCap = (max: RungName | undefined): RungName | undefined =>
  max && RUNGS[max].height < TALLEST ? max : undefined;

/**
 * What a ladder breaks under an app's maximum quality. `source` passes the input through at any
 * resolution, so it cannot honour a cap and is refused whenever one is set (below the tallest rung).
 */
export function rungsAboveMax(ladder: readonly RenditionName[], cap: RungName | undefined): RenditionName[] {
  const max = realCap(cap);
  if (!max) return [];
  const maxHeight = RUNGS[max].height;
  return ladder.filter((r) => r === 'source' || RUNGS[r].height > maxHeight);
}

/** The default ladder under a cap: every default rung the cap allows, or the cap's own rung. */
export function defaultLadder(cap: RungName | undefined): RenditionName[] {
  const max = realCap(cap);
  if (!max) return [...DEFAULT_LADDER];
  const allowed = DEFAULT_LADDER.filter((r) => r !== 'source' && RUNGS[r].height <= RUNGS[max].height);
  return allowed.length ? allowed : [max];
}

/**
 * The ladder a publish actually gets: the cap may have been lowered since the stream was saved,
 * so rungs above it are dropped here too (falling back to the cap's rung if nothing is left).
 */
export function effectiveLadder(ladder: readonly RenditionName[], max: RungName | undefined): RenditionName[] {
  const over = new Set(rungsAboveMax(ladder, max));
  const kept = ladder.filter((r) => !over.has(r));
  return kept.length ? sortLadder(kept) : max ? [max] : [...DEFAULT_LADDER];
}

export const isRungName = (s: unknown): s is RungName => typeof s === 'string' && s in RUNGS;
