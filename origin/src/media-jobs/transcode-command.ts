import { RUNGS, type RungName } from '@edgelive/shared/ladder';

/**
 * FFmpeg's arguments for a transcode job (an upload or a URL ingest to the app's ladder): one
 * decode split into every rung, H.264 (yuv420p, which every browser decodes) and AAC, keyframes
 * forced on segment boundaries so every rung cuts at the same times, VOD HLS with one playlist
 * per rung (`<name>.m3u8`, segments `<name>/<n>.ts`) and a master that names them.
 */
export interface Rung {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
}

/** The rungs a file of this height gets: never upscaled; `source` is its own size at a bitrate for its height. */
export function planRungs(ladder: readonly string[], input: { width: number; height: number }): Rung[] {
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  const widthAt = (h: number) => even((input.width * h) / input.height);
  const kbpsFor = (h: number) => (h >= 1080 ? 5000 : h >= 720 ? 2800 : h >= 480 ? 1400 : h >= 360 ? 800 : 400);
  const out: Rung[] = [];
  for (const name of ladder) {
    if (name === 'source') {
      out.push({ name, width: even(input.width), height: even(input.height), videoKbps: kbpsFor(input.height) });
      continue;
    }
    const rung = RUNGS[name as RungName];
    if (!rung || rung.height > input.height) continue;
    out.push({ name, width: widthAt(rung.height), height: rung.height, videoKbps: rung.video_bitrate_kbps });
  }
  // A file smaller than every rung still plays: its lowest rung, at the file's own size.
  if (!out.length) {
    const lowest = ladder.at(-1) ?? '240p';
    out.push({ name: lowest, width: even(input.width), height: even(input.height), videoKbps: kbpsFor(input.height) });
  }
  return out;
}

export function transcodeArgs(
  inputPath: string,
  outDir: string,
  rungs: readonly Rung[],
  opts: { hasAudio: boolean; segmentSeconds: number },
): string[] {
  const split = rungs.map((_, i) => `[v${i}]`).join('');
  const scales = rungs.map((r, i) => `[v${i}]scale=${r.width}:${r.height}[o${i}]`).join(';');
  const maps = rungs.flatMap((_, i) => ['-map', `[o${i}]`, ...(opts.hasAudio ? ['-map', '0:a:0'] : [])]);
  const rates = rungs.flatMap((r, i) => [
    `-b:v:${i}`,
    `${r.videoKbps}k`,
    `-maxrate:v:${i}`,
    `${Math.round(r.videoKbps * 1.2)}k`,
    `-bufsize:v:${i}`,
    `${r.videoKbps * 2}k`,
  ]);
  const streamMap = rungs.map((r, i) => `v:${i}${opts.hasAudio ? `,a:${i}` : ''},name:${r.name}`).join(' ');
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    '-i',
    inputPath,
    '-filter_complex',
    `[0:v:0]split=${rungs.length}${split};${scales}`,
    ...maps,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    ...rates,
    '-force_key_frames',
    `expr:gte(t,n_forced*${opts.segmentSeconds})`,
    '-sc_threshold',
    '0',
    ...(opts.hasAudio ? ['-c:a', 'aac', '-b:a', '128k', '-ac', '2'] : []),
    '-f',
    'hls',
    '-hls_time',
    String(opts.segmentSeconds),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_filename',
    `${outDir}/%v/%d.ts`,
    '-master_pl_name',
    'master.m3u8',
    '-var_stream_map',
    streamMap,
    `${outDir}/%v.m3u8`,
  ];
}

/** FFmpeg names segments by their basename; the tree's playlists name them `<rendition>/<n>.ts`. */
export const prefixSegments = (playlist: string, rendition: string) =>
  playlist
    .split('\n')
    .map((l) => (l && !l.startsWith('#') ? `${rendition}/${l.trim()}` : l))
    .join('\n');
