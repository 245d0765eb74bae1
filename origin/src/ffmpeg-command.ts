import path from 'node:path';
import type { LatencyMode } from '@edgelive/shared/origin-protocol';
import type { Rung } from './ladder.ts';
import { LADDER_ENCODING, type LadderEncoding } from './ladder-encoding.ts';
import { MUX_DELAY_S } from './segment-clock.ts';

export interface PipelineSpec {
  /** Where FFmpeg pulls the publisher from (the local NGINX-RTMP, by the stream's local name). */
  inputUrl: string;
  /** Per-stream working directory; FFmpeg writes `<rendition>/index.m3u8`, `<rendition>/<n>.ts`, `thumb.jpg`. */
  outputDir: string;
  latencyMode: LatencyMode;
  segmentDurationS: number;
  /** First sequence number: continues the session's numbering after a restart or reconnect. */
  startNumber: number;
  /** The input's frame rate, to size the fixed GOP when keyframes cannot follow the source's. */
  frameRate: number;
  hasAudio: boolean;
  rungs: readonly Rung[];
  thumbnailIntervalS: number;
  /**
   * FFmpeg's key info file for AES-128 segments (line 1 the key URI, line 2 the key file, no IV
   * line: FFmpeg then uses each segment's sequence number as its IV, which the Worker's playlists
   * spell out per segment).
   */
  keyInfoFile?: string;
  /**
   * LL-HLS (`low` mode): FFmpeg writes parts of this length (`split_by_time`, files `p<n>.ts`,
   * numbered from `startNumber`), which the agent groups into segments (part-assembler.ts).
   */
  partDurationS?: number;
}

/** Media playlists keep a few entries: the agent reads each one as soon as it lands, then deletes it. */
const PLAYLIST_ENTRIES = 6;

/**
 * The whole FFmpeg command line for one live stream, as argv (no shell). Pure, so that a golden test
 * pins it: every flag here changes what viewers get.
 *
 * One process builds the whole ladder: the input is decoded once and scaled into each rung (how,
 * and x264's settings per rung, is `encoding`: ladder-encoding.ts); the HLS muxer writes every rendition side by side (`-var_stream_map`). Keyframes are aligned across
 * renditions so that players can switch at any segment boundary: when the source is copied, the
 * encoded rungs put a keyframe exactly where the source has one (`-force_key_frames source`), so
 * all renditions cut at the same instants; otherwise every rung uses the same fixed GOP of one
 * segment. A second output refreshes one thumbnail JPEG every few seconds from the same decode.
 */
export function buildFfmpegArgs(spec: PipelineSpec, encoding: LadderEncoding = LADDER_ENCODING): string[] {
  const sourceCopied = spec.rungs.some((r) => r.videoCopy);
  const encoded = spec.rungs.filter((r) => !r.videoCopy);
  const gopFrames = Math.max(1, Math.round(spec.frameRate * spec.segmentDurationS));

  // -y: a restarted FFmpeg overwrites the previous run's thumb.jpg instead of refusing to start.
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y'];
  // A stalled read means the publisher is gone: exit and let the supervisor decide (microseconds).
  // -copyts: segments keep the publisher's own timestamps, from which the agent dates each segment
  // (segment-clock.ts); FFmpeg's program-date-time starts late by its probe time.
  // -analyzeduration/-probesize: the agent probed the input already (probe.ts) and NGINX hands
  // FFmpeg the codec headers first, so a second's analysis finds every stream; FFmpeg's default
  // (5 s) is most of the time from a publisher's (re)connect to its first segment.
  args.push('-rw_timeout', '10000000', '-analyzeduration', '1000000', '-probesize', '1000000');
  args.push('-copyts', '-i', spec.inputUrl);

  args.push('-filter_complex', filterGraph(spec, encoded, encoding));

  // Output streams in rung order: video i and audio i belong to rung i.
  spec.rungs.forEach((r) => {
    args.push('-map', r.videoCopy ? '0:v:0' : `[v_${r.name}]`);
    if (spec.hasAudio) args.push('-map', '0:a:0');
  });

  spec.rungs.forEach((r, i) => {
    if (r.videoCopy) {
      args.push(`-c:v:${i}`, 'copy');
    } else {
      const kbps = r.videoBitrateKbps ?? 0;
      const x264 = encoding.x264(r);
      args.push(
        `-c:v:${i}`,
        'libx264',
        `-preset:v:${i}`,
        x264.preset,
        ...(x264.params ? [`-x264-params:v:${i}`, x264.params] : []),
        `-profile:v:${i}`,
        'high',
        `-b:v:${i}`,
        `${kbps}k`,
        `-maxrate:v:${i}`,
        `${Math.round(kbps * 1.1)}k`,
        `-bufsize:v:${i}`,
        `${kbps * 2}k`,
        // No scene-cut keyframes: an extra keyframe in one rung would cut its segments elsewhere.
        `-sc_threshold:v:${i}`,
        '0',
      );
      if (sourceCopied) {
        // Keyframes where the copied source has them; the long GOP only bounds a source that has none.
        args.push(`-force_key_frames:v:${i}`, 'source', `-g:v:${i}`, String(gopFrames * 10));
      } else {
        // `t` counts from the output's first frame, -copyts or not (FFmpeg 5.1, checked).
        args.push(
          `-force_key_frames:v:${i}`,
          `expr:gte(t,n_forced*${spec.segmentDurationS})`,
          `-g:v:${i}`,
          String(gopFrames),
          `-keyint_min:v:${i}`,
          String(gopFrames),
        );
      }
      if (spec.latencyMode === 'low') {
        // B-frames add reorder delay and decoder buffering; low latency gives them up.
        args.push(`-bf:v:${i}`, '0');
      }
    }
    if (spec.hasAudio) {
      if (r.audioCopy) args.push(`-c:a:${i}`, 'copy');
      else args.push(`-c:a:${i}`, 'aac', `-b:a:${i}`, `${r.audioBitrateKbps}k`, `-ac:a:${i}`, '2');
    }
  });

  const parts = spec.partDurationS !== undefined;
  const varStreamMap = spec.rungs
    .map((r, i) => (spec.hasAudio ? `v:${i},a:${i},name:${r.name}` : `v:${i},name:${r.name}`))
    .join(' ');
  args.push(
    // Spelled out: the agent subtracts the PTS offset it implies (segment-clock.ts).
    '-muxdelay',
    String(MUX_DELAY_S),
    '-f',
    'hls',
    '-hls_time',
    parts ? spec.partDurationS!.toFixed(6) : String(spec.segmentDurationS),
    '-hls_list_size',
    // With parts, as many segments' worth of parts: the agent must find each part still listed.
    String(parts ? PLAYLIST_ENTRIES * Math.ceil(spec.segmentDurationS / spec.partDurationS! - 1e-6) : PLAYLIST_ENTRIES),
    '-hls_segment_type',
    'mpegts',
    ...(spec.keyInfoFile ? ['-hls_key_info_file', spec.keyInfoFile] : []),
    // temp_file: a segment or playlist appears under its name only once complete, so the watcher
    // never reads half a file; FFmpeg's program_date_time is only the agent's fallback for the pdt.
    '-hls_flags',
    // split_by_time: parts are cut at any frame; segments still start at keyframes (the agent's grouping).
    `program_date_time+independent_segments+temp_file${parts ? '+split_by_time' : ''}`,
    '-start_number',
    String(spec.startNumber),
    '-hls_segment_filename',
    path.join(spec.outputDir, '%v', parts ? 'p%d.ts' : '%d.ts'),
    '-var_stream_map',
    varStreamMap,
    path.join(spec.outputDir, '%v', 'index.m3u8'),
  );

  args.push(
    '-map',
    '[v_thumb]',
    '-c:v',
    'mjpeg',
    '-q:v',
    '5',
    '-f',
    'image2',
    '-update',
    '1',
    '-atomic_writing',
    '1',
    path.join(spec.outputDir, 'thumb.jpg'),
  );
  return args;
}

/**
 * One decode, split into the rungs and the thumbnail. With `cascade`, the tallest encoded rung is
 * scaled from the input and every other rung from that rung's picture (one more `split`);
 * otherwise every rung is scaled from the input. The thumbnail always comes from the input.
 */
function filterGraph(spec: PipelineSpec, encoded: readonly Rung[], encoding: LadderEncoding): string {
  const scale = (r: Rung) => `scale=${r.width}:${r.height}:flags=${encoding.scaler},format=yuv420p`;
  const thumb = `[v_thumb_in]fps=1/${spec.thumbnailIntervalS},scale=-2:360,format=yuvj420p[v_thumb]`;
  if (!encoding.cascade || encoded.length < 2) {
    const branches = [...encoded.map((r) => `v_${r.name}`), 'v_thumb'];
    const graph = [`[0:v:0]split=${branches.length}${branches.map((b) => `[${b}_in]`).join('')}`];
    for (const r of encoded) graph.push(`[v_${r.name}_in]${scale(r)}[v_${r.name}]`);
    return [...graph, thumb].join(';');
  }
  const short = (r: Rung) => Math.min(r.width, r.height);
  const [top, ...below] = [...encoded].sort((a, b) => short(b) - short(a)) as [Rung, ...Rung[]];
  const branches = [`v_${top.name}`, ...below.map((r) => `v_${r.name}_in`)];
  return [
    '[0:v:0]split=2[v_top_in][v_thumb_in]',
    `[v_top_in]${scale(top)},split=${branches.length}${branches.map((b) => `[${b}]`).join('')}`,
    ...below.map((r) => `[v_${r.name}_in]${scale(r)}[v_${r.name}]`),
    thumb,
  ].join(';');
}
