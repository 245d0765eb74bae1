import type { LadderEntry } from '@edgelive/shared/origin-protocol';
import { describe, expect, it } from 'vitest';
import { type InputInfo, resolveLadder, scaleToShortSide } from './ladder.ts';

const full: LadderEntry[] = [
  { name: 'source' },
  { name: '1080p' },
  { name: '720p' },
  { name: '480p' },
  { name: '360p' },
  { name: '240p' },
];
const input = (width: number, height: number, videoCodec = 'h264', audioCodec: string | null = 'aac'): InputInfo => ({
  videoCodec,
  audioCodec,
  width,
  height,
  frameRate: 30,
  bitrateKbps: 3000,
});
const names = (ladder: LadderEntry[], i: InputInfo) =>
  resolveLadder(ladder, i).map((r) => `${r.name}:${r.width}x${r.height}`);

describe('resolveLadder', () => {
  it('never upscales, and encodes no rung as tall as the source beside it: a 720p input gets no 1080p and no 720p', () => {
    expect(names(full, input(1280, 720))).toEqual(['source:1280x720', '480p:854x480', '360p:640x360', '240p:426x240']);
  });

  it('drops a same-height rung beside an encoded (HEVC) source too, and keeps taller-than-rung inputs whole', () => {
    expect(names(full, input(1280, 720, 'hevc'))).toEqual([
      'source:1280x720',
      '480p:854x480',
      '360p:640x360',
      '240p:426x240',
    ]);
    // A 1280x728 input is a little taller than 720p: the 720p rung is a real step down.
    expect(names([{ name: 'source' }, { name: '720p' }], input(1280, 728))).toEqual([
      'source:1280x728',
      '720p:1266x720',
    ]);
  });

  it('encodes 1440p and 2160p only from a source taller than them: a 1080p source gets neither', () => {
    const tall: LadderEntry[] = [
      { name: 'source' },
      { name: '2160p' },
      { name: '1440p' },
      { name: '1080p' },
      { name: '720p' },
    ];
    expect(names(tall, input(1920, 1080))).toEqual(['source:1920x1080', '720p:1280x720']);
    expect(names(tall.slice(1), input(1920, 1080))).toEqual(['1080p:1920x1080', '720p:1280x720']);
    expect(names(tall, input(2560, 1440))).toEqual(['source:2560x1440', '1080p:1920x1080', '720p:1280x720']);
    const uhd = resolveLadder(tall, input(3840, 2160, 'hevc'));
    expect(uhd.map((r) => `${r.name}:${r.width}x${r.height}:${r.videoBitrateKbps}`)).toEqual([
      'source:3840x2160:18000',
      '1440p:2560x1440:9500',
      '1080p:1920x1080:5000',
      '720p:1280x720:2800',
    ]);
    // A 2160p rung without the source, from a 2160p input, is that input encoded at the rung's bitrate.
    expect(names([{ name: '2160p' }, { name: '1440p' }], input(3840, 2160))).toEqual([
      '2160p:3840x2160',
      '1440p:2560x1440',
    ]);
  });

  it('keeps a rung as tall as the input when there is no source to stand in for it', () => {
    expect(names([{ name: '720p' }, { name: '480p' }], input(1280, 720))).toEqual(['720p:1280x720', '480p:854x480']);
  });

  it('keeps the smallest rung at the input size when every rung is taller than the input', () => {
    expect(names([{ name: '720p' }, { name: '480p' }], input(640, 360))).toEqual(['480p:640x360']);
  });

  it('measures portrait inputs by their short side', () => {
    expect(names([{ name: 'source' }, { name: '720p' }, { name: '360p' }], input(1080, 1920))).toEqual([
      'source:1080x1920',
      '720p:720x1280',
      '360p:360x640',
    ]);
  });

  it('copies H.264 and AAC, encodes anything else', () => {
    const [copied] = resolveLadder([{ name: 'source' }], input(1920, 1080));
    expect(copied).toMatchObject({ videoCopy: true, audioCopy: true, videoBitrateKbps: null });
    const [encoded] = resolveLadder([{ name: 'source' }], input(1920, 1080, 'hevc', 'opus'));
    expect(encoded).toMatchObject({ videoCopy: false, audioCopy: false, videoBitrateKbps: 5000 });
  });

  it("copies the publisher's AAC into every rung, and encodes other audio per rung at the rung's bitrate", () => {
    const ladder: LadderEntry[] = [{ name: 'source' }, { name: '720p' }, { name: '360p' }];
    const audio = (i: InputInfo) =>
      resolveLadder(ladder, i).map((r) => `${r.name}:${r.audioCopy ? 'copy' : r.audioBitrateKbps}`);
    expect(audio(input(1920, 1080))).toEqual(['source:copy', '720p:copy', '360p:copy']);
    expect(audio(input(1920, 1080, 'h264', 'opus'))).toEqual(['source:128', '720p:128', '360p:64']);
  });

  it('uses the bitrate the Worker asked for', () => {
    const rungs = resolveLadder([{ name: '480p', video_bitrate_kbps: 1000 }], input(1920, 1080));
    expect(rungs[0]?.videoBitrateKbps).toBe(1000);
  });

  it('orders rungs tallest first whatever order they were asked in', () => {
    expect(names([{ name: '360p' }, { name: 'source' }, { name: '720p' }], input(1920, 1080))).toEqual([
      'source:1920x1080',
      '720p:1280x720',
      '360p:640x360',
    ]);
  });
});

describe('scaleToShortSide', () => {
  it('keeps even dimensions for odd aspect ratios', () => {
    expect(scaleToShortSide(1920, 800, 480)).toEqual({ width: 1152, height: 480 });
    expect(scaleToShortSide(1366, 768, 360)).toEqual({ width: 640, height: 360 });
  });
});
