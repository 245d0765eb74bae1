import type { LadderEntry } from '@edgelive/shared/origin-protocol';
import { describe, expect, it } from 'vitest';
import { buildFfmpegArgs, type PipelineSpec } from './ffmpeg-command.ts';
import { type InputInfo, resolveLadder } from './ladder.ts';

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
});
