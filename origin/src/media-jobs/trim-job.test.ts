import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cutMediaPlaylist } from '@edgelive/shared/playlist-clip';
import { applyTrim, planTrim, trimPartUri } from '@edgelive/shared/playlist-trim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp4Args } from './mp4-command.ts';
import { prefixSegments } from './transcode-command.ts';
import { fetchSegment, trimPart } from './trim-job.ts';

const run = promisify(execFile);
const FPS = 25;

/**
 * A frame-accurate clip with real FFmpeg: an HLS recording of 2 s segments is cut on segment
 * boundaries, its first and last segments re-encoded from the start and to the end asked (the
 * agent's own trimPart), the playlist rewritten (applyTrim), and ffprobe counts the frames the
 * clip decodes to: the range asked, within a frame or two.
 */
describe('frame-accurate clip parts (FFmpeg)', () => {
  let dir = '';
  let recording = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'trim-'));
    await mkdir(path.join(dir, '360p'));
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc=size=320x180:rate=${FPS}`, '-f', 'lavfi', '-i', 'sine=frequency=440'],
      ...['-t', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(2 * FPS), '-sc_threshold', '0'],
      ...['-c:a', 'aac', '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod'],
      ...['-hls_segment_filename', path.join(dir, '360p', '%d.ts'), path.join(dir, 'source.m3u8')],
    ]);
    recording = prefixSegments(await readFile(path.join(dir, 'source.m3u8'), 'utf8'), '360p');
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function frames(playlist: string) {
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
      ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', playlist],
    ]);
    return Number.parseInt(stdout.trim(), 10);
  }

  async function clip(start: number, end: number) {
    const cut = cutMediaPlaylist(recording, start, end)!;
    const plan = planTrim(cut.text, '360p', start - cut.start, end - cut.start);
    const made = [];
    const work = await mkdtemp(path.join(dir, 'clip-'));
    for (const part of plan) {
      const local = await fetchSegment(cut.text, part, work, (f) => readFile(path.join(dir, f)));
      const out = path.join(work, trimPartUri(part.rendition, part.part));
      await mkdir(path.dirname(out), { recursive: true });
      made.push({ rendition: part.rendition, part: part.part, duration_s: await trimPart(local, out, part) });
    }
    const text = applyTrim(cut.text, plan, made);
    // The whole segments between stay the recording's own files.
    for (const uri of text.split('\n').filter((l) => l.endsWith('.ts') && !/(head|tail)\.ts$/.test(l)))
      await writeFile(path.join(work, uri), await readFile(path.join(dir, uri)));
    const playlist = path.join(work, 'clip.m3u8');
    await writeFile(playlist, text);
    return { cut, plan, made, text, playlist };
  }

  it('decodes to the range asked, reusing the whole segments between', async () => {
    const c = await clip(1.32, 6.68);
    expect(c.cut).toMatchObject({ start: 0, end: 8 });
    expect(c.plan.map((p) => [p.part, p.segment])).toEqual([
      ['head', '360p/0.ts'],
      ['tail', '360p/3.ts'],
    ]);
    expect(c.text).toContain('360p/1.ts\n');
    expect(c.text).toContain('360p/2.ts\n');
    // Segment-accurate it would be 200 frames (8 s); asked: 5.36 s = 134 frames.
    expect(Math.abs((await frames(c.playlist)) - 5.36 * FPS)).toBeLessThanOrEqual(2);
    for (const m of c.made) expect(m.duration_s).toBeGreaterThan(0.6);
    // The parts keep the parent's timeline, so the clip remuxes to an MP4 of the same length.
    const mp4 = path.join(dir, 'clip.mp4');
    await run('ffmpeg', mp4Args(c.playlist, mp4));
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', mp4]);
    expect(Math.abs(Number.parseFloat(stdout) - 5.36)).toBeLessThan(0.1);
  }, 60_000);

  it('trims a clip inside one segment once', async () => {
    const c = await clip(4.4, 5.2);
    expect(c.plan).toEqual([{ rendition: '360p', part: 'head', segment: '360p/2.ts', from_s: 0.4, to_s: 1.2 }]);
    expect(Math.abs((await frames(c.playlist)) - 0.8 * FPS)).toBeLessThanOrEqual(2);
  }, 60_000);
});
