import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { LadderEntry } from '@edgelive/shared/origin-protocol';
import { describe, expect, it } from 'vitest';
import { buildFfmpegArgs, type PipelineSpec } from './ffmpeg-command.ts';
import { type InputInfo, resolveLadder } from './ladder.ts';
import type { LadderEncoding } from './ladder-encoding.ts';

const fullLadder: LadderEntry[] = [
  { name: 'source' },
  { name: '1080p' },
  { name: '720p' },
  { name: '480p' },
  { name: '360p' },
];
const obs1080: InputInfo = {
  videoCodec: 'h264',
  audioCodec: 'aac',
  width: 1920,
  height: 1080,
  frameRate: 30,
  bitrateKbps: 6000,
};

function spec(over: Partial<PipelineSpec> & { input?: InputInfo; ladder?: LadderEntry[] } = {}): PipelineSpec {
  const input = over.input ?? obs1080;
  return {
    inputUrl: 'rtmp://127.0.0.1:19350/live/str_abc',
    outputDir: '/run/edgelive/work/str_abc/ses_1',
    latencyMode: 'standard',
    segmentDurationS: 2,
    startNumber: 0,
    frameRate: input.frameRate,
    hasAudio: input.audioCodec !== null,
    rungs: resolveLadder(over.ladder ?? fullLadder, input),
    thumbnailIntervalS: 5,
    ...over,
  };
}

/** One flag (and its value) per line: a diff of the golden file reads like a review of the change. */
function golden(args: string[]): string {
  const lines: string[] = ['ffmpeg'];
  for (const a of args) {
    if (a.startsWith('-') && !/^-\d/.test(a)) lines.push(a);
    else lines[lines.length - 1] += ` ${JSON.stringify(a)}`;
  }
  return `${lines.join('\n')}\n`;
}

describe('buildFfmpegArgs', () => {
  it('standard latency, 1080p H.264/AAC source: source copied, encoded rungs keyed on the source', async () => {
    await expect(golden(buildFfmpegArgs(spec()))).toMatchFileSnapshot('./__golden__/ffmpeg-standard-1080p-copy.txt');
  });

  it('low latency, HEVC/Opus source resumed at 42: everything encoded on a fixed 1 s GOP, no B-frames', async () => {
    const input: InputInfo = {
      videoCodec: 'hevc',
      audioCodec: 'opus',
      width: 1280,
      height: 720,
      frameRate: 60,
      bitrateKbps: 4000,
    };
    const args = buildFfmpegArgs(
      spec({
        input,
        latencyMode: 'low',
        segmentDurationS: 1,
        startNumber: 42,
        ladder: [{ name: 'source' }, { name: '720p' }, { name: '480p' }],
      }),
    );
    await expect(golden(args)).toMatchFileSnapshot('./__golden__/ffmpeg-low-720p-encoded.txt');
  });

  it('keeps the renditions, the variant map and the rungs in the same order (no 1080p beside a 1080p source)', () => {
    const args = buildFfmpegArgs(spec());
    const map = args[args.indexOf('-var_stream_map') + 1];
    expect(map).toBe('v:0,a:0,name:source v:1,a:1,name:720p v:2,a:2,name:480p v:3,a:3,name:360p');
    expect(args[args.indexOf('-c:v:0') + 1]).toBe('copy');
    expect(args[args.indexOf('-b:v:1') + 1]).toBe('2800k');
    expect(args[args.indexOf('-b:v:2') + 1]).toBe('1400k');
  });

  it('scales the tallest rung from the input, the others from its picture, the thumbnail from the input', () => {
    const args = buildFfmpegArgs(spec());
    const graph = args[args.indexOf('-filter_complex') + 1]!.split(';');
    expect(graph.map((f) => f.replace(/:flags=[a-z_]+/, ''))).toEqual([
      '[0:v:0]split=2[v_top_in][v_thumb_in]',
      '[v_top_in]scale=1280:720,format=yuv420p,split=3[v_720p][v_480p_in][v_360p_in]',
      '[v_480p_in]scale=854:480,format=yuv420p[v_480p]',
      '[v_360p_in]scale=640:360,format=yuv420p[v_360p]',
      '[v_thumb_in]fps=1/5,scale=-2:360,format=yuvj420p[v_thumb]',
    ]);
  });

  it('takes the encoding as a parameter: scaling from the input, and x264 settings per rung', () => {
    const encoding: LadderEncoding = {
      cascade: false,
      scaler: 'bicubic',
      x264: (r) => (r.height >= 720 ? { preset: 'faster', params: 'rc-lookahead=5' } : { preset: 'veryfast' }),
    };
    const args = buildFfmpegArgs(spec(), encoding);
    expect(args[args.indexOf('-filter_complex') + 1]).toBe(
      '[0:v:0]split=4[v_720p_in][v_480p_in][v_360p_in][v_thumb_in];' +
        '[v_720p_in]scale=1280:720:flags=bicubic,format=yuv420p[v_720p];' +
        '[v_480p_in]scale=854:480:flags=bicubic,format=yuv420p[v_480p];' +
        '[v_360p_in]scale=640:360:flags=bicubic,format=yuv420p[v_360p];' +
        '[v_thumb_in]fps=1/5,scale=-2:360,format=yuvj420p[v_thumb]',
    );
    expect(args[args.indexOf('-preset:v:1') + 1]).toBe('faster');
    expect(args[args.indexOf('-x264-params:v:1') + 1]).toBe('rc-lookahead=5');
    expect(args[args.indexOf('-preset:v:2') + 1]).toBe('veryfast');
    expect(args).not.toContain('-x264-params:v:2');
  });

  it('maps no audio for an input without audio', () => {
    const args = buildFfmpegArgs(spec({ input: { ...obs1080, audioCodec: null } }));
    expect(args).not.toContain('0:a:0');
    expect(args[args.indexOf('-var_stream_map') + 1]).toBe('v:0,name:source v:1,name:720p v:2,name:480p v:3,name:360p');
  });

  it('sets segment length and first sequence number from the spec', () => {
    const args = buildFfmpegArgs(spec({ segmentDurationS: 4, startNumber: 17 }));
    expect(args[args.indexOf('-hls_time') + 1]).toBe('4');
    expect(args[args.indexOf('-start_number') + 1]).toBe('17');
  });

  it('encrypted sessions: FFmpeg gets the key info file, and nothing else changes', () => {
    const clear = buildFfmpegArgs(spec());
    const enc = buildFfmpegArgs(spec({ keyInfoFile: '/run/edgelive/work/str_abc/ses_1/aes.keyinfo' }));
    const at = enc.indexOf('-hls_key_info_file');
    expect(enc[at + 1]).toBe('/run/edgelive/work/str_abc/ses_1/aes.keyinfo');
    expect([...enc.slice(0, at), ...enc.slice(at + 2)]).toEqual(clear);
  });

  it('runs in FFmpeg: the cascade and per-rung x264 settings give every rung its size, a keyframe first and AAC', async () => {
    const run = promisify(execFile);
    const dir = await mkdtemp(path.join(tmpdir(), 'edgelive-ladder-'));
    try {
      const src = path.join(dir, 'src.flv');
      await run('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30'],
        ...['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast'],
        ...['-g', '30', '-c:a', 'aac', '-f', 'flv', src],
      ]);
      const input: InputInfo = { ...obs1080, width: 1280, height: 720 };
      const rungs = resolveLadder([{ name: 'source' }, { name: '480p' }, { name: '360p' }], input);
      const args = buildFfmpegArgs({
        ...spec({ input, ladder: [{ name: '480p' }] }),
        inputUrl: src,
        outputDir: dir,
        rungs,
        segmentDurationS: 1,
      });
      expect(args).toContain('subme=1:me=umh:threads=1'); // the 480p rung's settings, which FFmpeg must accept
      await run('ffmpeg', args);
      for (const r of rungs) {
        const first = path.join(
          dir,
          r.name,
          `${Math.min(...(await readdir(path.join(dir, r.name))).filter((f) => f.endsWith('.ts')).map((f) => Number.parseInt(f, 10)))}.ts`,
        );
        const { stdout } = await run('ffprobe', [
          ...['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', first],
        ]);
        const { stdout: key } = await run('ffprobe', [
          ...[
            '-v',
            'error',
            '-select_streams',
            'v',
            '-read_intervals',
            '%+#1',
            '-show_entries',
            'frame=key_frame',
            '-of',
            'csv=p=0',
            first,
          ],
        ]);
        // ffprobe lists the streams once per program and once more on their own.
        expect([...new Set(stdout.split('\n').filter(Boolean))].sort()).toEqual(['aac', `h264,${r.width},${r.height}`]);
        expect(key.trim()).toMatch(/^1\b/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
