import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitExit } from '../origin/test-support/publisher.ts';
import { type LiveStack, startLiveStack } from './harness/live-stack.ts';
import { waitFor } from './harness/player-probe.ts';
import { openReactPlayer } from './harness/react-player-page.ts';

/**
 * Issue 14, for real: `ffmpeg` publishes to NGINX-RTMP, the agent builds the ladder into the
 * Worker (wrangler dev), the publisher stops, and the session becomes an asset that plays to its
 * end in Chromium through its own signed playback id; the origin's media worker takes the MP4 job,
 * and the MP4 downloads with `aud` = `d`, probes with the asset's duration and answers byte ranges.
 * A second stream is clipped while live (its last 10 s plays in Chromium before the publisher
 * stops), and its asset is clipped by start and end (`ffprobe` reads the clip through the Worker).
 */
// Every MP4 of this file goes up in parts (the R2 multipart path the agent takes above 64 MiB),
// read by the agent's media worker in this process.
process.env.EDGELIVE_MP4_MULTIPART_BYTES = '0';
let live: LiveStack;
const scratch = mkdtempSync(path.join(tmpdir(), 'edgelive-assets-e2e-'));

beforeAll(async () => {
  live = await startLiveStack({ workerPort: 20400, rtmpPort: 20401, originHttpPort: 20402 });
});
afterAll(async () => {
  await live?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface AssetBody {
  id: string;
  status: string;
  duration: number | null;
  playback_ids: { id: string; policy: string }[];
  mp4: { status: string; bytes: number | null; path: string | null } | null;
}

describe('a recorded session becomes an asset', () => {
  it('is ready with its own playback id, plays to its end, and its MP4 downloads with the right duration', async () => {
    const s = await live.createStream({
      ladder: ['source', '240p'],
      latency_mode: 'low',
      recording: true,
      reconnect_window: 0,
      mp4_support: 'standard',
    });
    const api = live.stack.api;
    const publisher = live.publish(s.streamKey, { seconds: 10 });
    // Chat during the session, for the replay further down, 1 s apart.
    // Once the first segment of both rungs is in (a frame is recorded), so every message has a media time.
    await live.waitForMaster(s.playbackId, await live.token(s.playbackId, 'v'), 2, 30_000);
    for (const text of ['first!', 'what a view', 'see you']) {
      await new Promise((r) => setTimeout(r, 1000));
      await api.call('POST', `/v1/rooms/${s.roomId}/messages`, { text });
    }
    await waitExit(publisher);
    const ended = Date.now();

    const assetOf = async () =>
      (await api.call<{ data: AssetBody[] }>('GET', `/v1/assets?stream_id=${s.id}`)).data[0] ?? null;
    const asset = await waitFor(
      'the asset to be ready',
      async () => {
        const a = await assetOf();
        return a?.status === 'ready' ? a : null;
      },
      60_000,
    );
    const readyMs = Date.now() - ended;
    expect(asset.duration).toBeGreaterThan(5);
    const pb = asset.playback_ids.find((p) => p.policy === 'signed')!.id;
    expect(pb).not.toBe(s.playbackId);

    // Plays to its end in Chromium through the embed page.
    const token = await live.token(pb, 'v');
    const ctx = await live.browser();
    const page = await ctx.newPage();
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${live.stack.worker.url}/embed/${pb}?token=${token}`);
    const end = await waitFor(
      'the recording to play to its end',
      async () => {
        const v = await page.evaluate(() => {
          const e = (window as unknown as { edgelive?: { video: HTMLVideoElement } }).edgelive;
          return e ? { ended: e.video.ended, t: e.video.currentTime, d: e.video.duration } : null;
        });
        return v?.ended ? v : null;
      },
      60_000,
    );
    expect(end.t).toBeGreaterThan((asset.duration ?? 0) - 1);
    mkdirSync(path.join(import.meta.dirname, 'screenshots'), { recursive: true });
    await page.screenshot({ path: path.join(import.meta.dirname, 'screenshots', 'assets-01-recording-played.png') });
    expect(failed).toEqual([]);

    // The MP4 job ran on the origin's media worker.
    const withMp4 = await waitFor(
      'the MP4 to be ready',
      async () => {
        const a = await assetOf();
        return a?.mp4?.status === 'ready' ? a : null;
      },
      90_000,
    );
    const mp4Ms = Date.now() - ended;
    const url = `${live.stack.worker.url}/downloads/${pb}/${withMp4.mp4!.path}`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${url}?token=${token}`)).status).toBe(403);
    const dl = await live.token(pb, 'd');
    const res = await fetch(`${url}?token=${dl}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.byteLength).toBe(withMp4.mp4!.bytes);
    const file = path.join(scratch, 'download.mp4');
    writeFileSync(file, bytes);
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', file],
        {
          encoding: 'utf8',
        },
      ),
    ) as { format: { duration: string }; streams: { codec_name: string }[] };
    expect(Math.abs(Number(probe.format.duration) - asset.duration!)).toBeLessThan(0.6);
    expect(probe.streams.map((x) => x.codec_name)).toContain('h264');
    // faststart: the index (moov) comes before the media (mdat).
    const head = new TextDecoder('latin1').decode(bytes.slice(0, 4096));
    expect(head.indexOf('moov')).toBeGreaterThan(0);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? 4096 : head.indexOf('mdat'));

    // Byte ranges.
    const part = await fetch(`${url}?token=${dl}`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.byteLength}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(100, 200));
    const tail = await fetch(`${url}?token=${dl}`, { headers: { range: 'bytes=-50' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(-50));
    expect((await fetch(`${url}?token=${dl}`, { headers: { range: `bytes=${bytes.byteLength}-` } })).status).toBe(416);

    console.log(
      `asset ready ${readyMs} ms and MP4 ready ${mp4Ms} ms after the publisher stopped (${asset.duration} s)`,
    );

    // Chat replay in the embed (the same page, its chat panel): what was said up to the playhead,
    // following seeks. The media times are the API's.
    const chat = (
      await api.call<{ data: { id: string; media_time_s: number }[] }>('GET', `/v1/assets/${asset.id}/chat`)
    ).data;
    expect(chat.length).toBe(3);
    const [m0, m1, m2] = chat as [(typeof chat)[0], (typeof chat)[0], (typeof chat)[0]];
    expect(m0.media_time_s).toBeGreaterThan(0);
    expect(m2.media_time_s).toBeLessThan(asset.duration!);
    const shownAt = async (p: typeof page, list: string, t: number) => {
      await p.evaluate((at) => {
        const v = document.querySelector('video')!;
        v.pause();
        v.currentTime = at;
      }, t);
      return waitFor(
        `the chat shown at ${t} s`,
        async () => {
          const r = await p.evaluate(
            (sel) => ({
              seeking: document.querySelector('video')!.seeking,
              ids: Array.from(document.querySelectorAll(`${sel} li`)).map((li) => (li as HTMLElement).dataset.id ?? ''),
            }),
            list,
          );
          return r.seeking ? null : r.ids;
        },
        10_000,
      );
    };
    const mid = (a: number, b: number) => (a + b) / 2;
    const checkReplay = async (p: typeof page, list: string) => {
      expect(await shownAt(p, list, mid(m0.media_time_s, m1.media_time_s))).toEqual([m0.id]);
      expect(await shownAt(p, list, Math.max(0, m0.media_time_s - 0.5))).toEqual([]);
      expect(await shownAt(p, list, mid(m2.media_time_s, asset.duration!))).toEqual([m0.id, m1.id, m2.id]);
      expect(await shownAt(p, list, mid(m1.media_time_s, m2.media_time_s))).toEqual([m0.id, m1.id]);
    };
    // The embed played to its end above: every message is shown; seeks move the panel.
    expect(await page.evaluate(() => Array.from(document.querySelectorAll('#chat li')).length)).toBe(3);
    await checkReplay(page, '#chat');
    await page.screenshot({ path: path.join(import.meta.dirname, 'screenshots', 'assets-04-embed-chat-replay.png') });

    // The same replay in `<EdgelivePlayer chatReplay />` from @edgelive/client/player, rendered by
    // React in a page of its own: the same messages at the same playheads, following seeks.
    const react = await ctx.newPage();
    await openReactPlayer(react, live.stack.worker.url, { playbackId: pb, token, chatReplay: true });
    // Played through first (fast), as the embed was, so every seek below lands in buffered media.
    await waitFor(
      'the React player to play the recording to its end',
      () =>
        react.evaluate(() => {
          const v = document.querySelector('video');
          if (!v || v.readyState < 1) return null;
          if (v.paused && !v.ended) {
            v.muted = true;
            v.playbackRate = 4;
            void v.play();
          }
          return v.ended || null;
        }),
      20_000,
    );
    expect(await react.evaluate(() => document.querySelectorAll('[data-edgelive="chat-replay"] li').length)).toBe(3);
    await checkReplay(react, '[data-edgelive="chat-replay"]');
    await react.screenshot({ path: path.join(import.meta.dirname, 'screenshots', 'assets-05-react-chat-replay.png') });
    await react.close();
  });

  it('a live clip of the last 10 s plays while the stream is still live; a clip of the asset plays', async () => {
    const s = await live.createStream({
      ladder: ['source'],
      latency_mode: 'low',
      recording: true,
      reconnect_window: 0,
      playback_policies: ['public'],
      dvr_window_seconds: 600,
    });
    const publisher = live.publish(s.streamKey, { seconds: 44 });
    const worker = live.stack.worker.url;
    const api = live.stack.api;
    // Enough of the session to seek back in and for a 10 s clip: the live playlist holds 16 s.
    await waitFor(
      '16 s of live media',
      async () => {
        const master = await fetch(`${worker}/hls/${s.playbackId}.m3u8`);
        if (master.status !== 200) return null;
        const media = (await master.text()).split('\n').find((l) => l && !l.startsWith('#'));
        const text = await (await fetch(`${worker}/hls/${media}`)).text();
        const secs = [...text.matchAll(/#EXTINF:([\d.]+)/g)].reduce((n, m) => n + Number(m[1]), 0);
        return secs >= 16 ? secs : null;
      },
      40_000,
    );
    const ctx = await live.browser();
    // The DVR window in the embed: seeked back on the video's seek bar, the badge offers the way
    // back to live, and a click on it jumps to the live edge.
    const livePage = await ctx.newPage();
    await livePage.goto(`${worker}/embed/${s.playbackId}`);
    const badge = () => livePage.locator('#live').textContent();
    type Embed = { edgelive?: { video: HTMLVideoElement } };
    await waitFor(
      'the live stream to play',
      () => livePage.evaluate(() => ((window as unknown as Embed).edgelive?.video.currentTime ?? 0) > 1 || null),
      20_000,
    );
    await livePage.evaluate(() => {
      const v = (window as unknown as Embed).edgelive!.video;
      v.currentTime = v.seekable.start(0) + 0.5;
    });
    await waitFor(
      'the badge to offer a way back to live',
      async () => ((await badge()) === 'GO LIVE' ? true : null),
      10_000,
    );
    await livePage.screenshot({ path: path.join(import.meta.dirname, 'screenshots', 'assets-03-dvr-behind-live.png') });
    await livePage.locator('#live').click();
    await waitFor(
      'the player to be back at the live edge',
      async () => ((await badge()) === 'LIVE' ? true : null),
      10_000,
    );
    await livePage.close();

    const clip = await api.call<AssetBody>('POST', `/v1/streams/${s.id}/clips`, { seconds_back: 10 });
    expect(clip.status).toBe('ready');
    expect(clip.duration).toBeGreaterThan(9.5);
    expect(clip.duration).toBeLessThan(12);

    const page = await ctx.newPage();
    await page.goto(`${worker}/embed/${clip.playback_ids[0]!.id}`);
    const end = await waitFor(
      'the live clip to play to its end',
      async () => {
        const v = await page.evaluate(() => {
          const e = (window as unknown as { edgelive?: { video: HTMLVideoElement } }).edgelive;
          return e ? { ended: e.video.ended, t: e.video.currentTime } : null;
        });
        return v?.ended ? v : null;
      },
      30_000,
    );
    expect(end.t).toBeGreaterThan(clip.duration! - 1);
    await page.screenshot({ path: path.join(import.meta.dirname, 'screenshots', 'assets-02-live-clip-played.png') });
    // ... while the stream is still live.
    expect((await api.call<{ status: string }>('GET', `/v1/streams/${s.id}`)).status).toBe('active');

    await waitExit(publisher);
    const asset = await waitFor(
      'the asset to be ready',
      async () => {
        const list = await api.call<{ data: AssetBody[] }>('GET', `/v1/assets?stream_id=${s.id}&source=live_session`);
        return list.data[0]?.status === 'ready' ? list.data[0] : null;
      },
      60_000,
    );
    const cut = await api.call<AssetBody>('POST', `/v1/assets/${asset.id}/clips`, { start: 4, end: 8 });
    expect(cut.status).toBe('ready');
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-show_entries',
          'format=duration',
          '-of',
          'json',
          `${worker}/hls/${cut.playback_ids[0]!.id}.m3u8`,
        ],
        { encoding: 'utf8' },
      ),
    ) as { format: { duration: string } };
    expect(Math.abs(Number(probe.format.duration) - cut.duration!)).toBeLessThan(0.6);
    expect(cut.duration).toBeGreaterThanOrEqual(4);

    // Frame-accurate: the origin's media worker re-encodes the two partial segments; the clip then
    // decodes (ffprobe through the Worker, every frame counted) to the 3.4 s asked, within 2 frames.
    const asked = await api.call<AssetBody & { frame_accurate: { status: string } | null }>(
      'POST',
      `/v1/assets/${asset.id}/clips`,
      { start: 4.3, end: 7.7, frame_accurate: true },
    );
    expect(asked.frame_accurate?.status).toBe('preparing');
    const exact = await waitFor(
      'the clip to be made frame-accurate',
      async () => {
        const a = await api.call<AssetBody & { frame_accurate: { status: string } }>('GET', `/v1/assets/${asked.id}`);
        if (a.frame_accurate.status === 'errored') throw new Error(JSON.stringify(a.frame_accurate));
        return a.frame_accurate.status === 'ready' ? a : null;
      },
      30_000,
    );
    const counted = JSON.parse(
      execFileSync(
        'ffprobe',
        [
          ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
          ...['-show_entries', 'stream=nb_read_frames,r_frame_rate', '-of', 'json'],
          `${worker}/hls/${exact.playback_ids[0]!.id}.m3u8`,
        ],
        { encoding: 'utf8' },
      ),
    ) as { streams: { nb_read_frames: string; r_frame_rate: string }[] };
    const [num, den] = counted.streams[0]!.r_frame_rate.split('/').map(Number) as [number, number];
    const fps = num / den;
    const frames = Number(counted.streams[0]!.nb_read_frames);
    expect(Math.abs(frames - 3.4 * fps), `${frames} frames at ${fps} fps, ${exact.duration} s`).toBeLessThanOrEqual(2);
    expect(Math.abs(exact.duration! - 3.4)).toBeLessThan(0.1);
  });
});
