import { type LadderEntry, type RenditionName, RUNGS } from '@edgelive/shared/origin-protocol';

/** What ffprobe told us about the publisher's input. */
export interface InputInfo {
  videoCodec: string;
  audioCodec: string | null;
  width: number;
  height: number;
  frameRate: number;
  bitrateKbps: number;
}

/** One output of the pipeline, fully decided: the command builder only formats these. */
export interface Rung {
  name: RenditionName;
  /** Copy the publisher's H.264 untouched (only for `source`). */
  videoCopy: boolean;
  width: number;
  height: number;
  /** Target video bitrate when encoding; null when copied. */
  videoBitrateKbps: number | null;
  /** Copy the publisher's AAC untouched; otherwise encode AAC at audioBitrateKbps. */
  audioCopy: boolean;
  audioBitrateKbps: number;
}

/**
 * The bitrate of the tallest rung of the shared table (packages/shared/src/ladder.ts) that fits in
 * this short side; below the smallest, the smallest's.
 */
export function defaultVideoBitrateKbps(shortSide: number): number {
  const rungs = Object.values(RUNGS);
  return (rungs.find((r) => r.height <= shortSide) ?? rungs[rungs.length - 1]!).video_bitrate_kbps;
}

function defaultAudioBitrateKbps(shortSide: number): number {
  if (shortSide >= 720) return 128;
  if (shortSide >= 480) return 96;
  return 64;
}

/** Scale (w, h) so that its short side becomes `short`, keeping aspect and even dimensions (x264 needs them). */
export function scaleToShortSide(w: number, h: number, short: number): { width: number; height: number } {
  const factor = short / Math.min(w, h);
  const even = (n: number) => Math.max(2, Math.round((n * factor) / 2) * 2);
  return { width: even(w), height: even(h) };
}

/**
 * Turns the Worker's requested ladder into the rungs FFmpeg produces from this input.
 * Never upscales: a rung taller (short side) than the input is dropped. Beside `source`, a rung as
 * tall as the input is dropped too: it would be the source's own picture encoded again, usually at a
 * higher bitrate than the publisher sent (a 720p source got a 2.8 Mb/s 720p next to its 2.5 Mb/s
 * copy), costing a full-size encode for a rendition no player picks over the source.
 * Portrait inputs are measured by their short side, so "720p" of a 720x1280 phone stream is 720 wide.
 */
export function resolveLadder(requested: readonly LadderEntry[], input: InputInfo): Rung[] {
  const inputShort = Math.min(input.width, input.height);
  // The publisher's AAC goes into every rung as it came (FFmpeg cannot share one encode between
  // the muxer's variants): an AAC encode per rung cost a hundredth of a core each, and identical
  // audio in every variant lets a player switch rungs without an audio seam. The price is bytes: a
  // low rung carries the publisher's audio bitrate (OBS sends 160 kb/s) instead of 64-96 kb/s.
  // Anything else (Opus, MP3) is encoded per rung at the rung's own audio bitrate.
  const audioCopy = input.audioCodec === 'aac';
  const hasSource = requested.some((e) => e.name === 'source');
  const rungs: Rung[] = [];

  if (hasSource) {
    const videoCopy = input.videoCodec === 'h264';
    const requestedSource = requested.find((e) => e.name === 'source');
    rungs.push({
      name: 'source',
      videoCopy,
      width: evenFloor(input.width),
      height: evenFloor(input.height),
      videoBitrateKbps: videoCopy ? null : (requestedSource?.video_bitrate_kbps ?? defaultVideoBitrateKbps(inputShort)),
      audioCopy,
      audioBitrateKbps: 128,
    });
  }

  const scaled = requested
    .filter((e): e is LadderEntry & { name: Exclude<RenditionName, 'source'> } => e.name !== 'source')
    .map((e) => ({
      entry: e,
      short:
        e.height !== undefined && e.width !== undefined
          ? Math.min(e.width, e.height)
          : (e.height ?? RUNGS[e.name].height),
    }))
    .sort((a, b) => b.short - a.short);

  for (const { entry, short } of scaled) {
    if (short > inputShort || (hasSource && short >= inputShort)) continue;
    const size = scaleToShortSide(input.width, input.height, short);
    rungs.push({
      name: entry.name,
      videoCopy: false,
      ...size,
      videoBitrateKbps: entry.video_bitrate_kbps ?? defaultVideoBitrateKbps(short),
      audioCopy,
      audioBitrateKbps: defaultAudioBitrateKbps(short),
    });
  }

  // An input smaller than every requested rung, with no source in the ladder, still needs an
  // output: the smallest requested rung, kept at the input's own size rather than upscaled.
  if (rungs.length === 0) {
    const smallest = scaled.at(-1);
    if (!smallest) throw new Error('ladder has no rungs');
    rungs.push({
      name: smallest.entry.name,
      videoCopy: false,
      width: evenFloor(input.width),
      height: evenFloor(input.height),
      videoBitrateKbps: smallest.entry.video_bitrate_kbps ?? defaultVideoBitrateKbps(inputShort),
      audioCopy,
      audioBitrateKbps: defaultAudioBitrateKbps(inputShort),
    });
  }
  return rungs;
}

function evenFloor(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}
