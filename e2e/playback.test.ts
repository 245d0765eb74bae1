import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveStack, startLiveStack } from './harness/live-stack.ts';
import { probe, setQuality, waitFor } from './harness/player-probe.ts';

/**
 * The whole path in a real browser: `ffmpeg` publishes a test pattern to NGINX-RTMP, the agent and
 * FFmpeg build a two-rung ladder into the Worker (wrangler dev), and headless Chromium plays the
 * signed playback id through /embed/{playback_id} with hls.js served by us.
 */
let live: LiveStack;

beforeAll(async () => {
  live = await startLiveStack({ workerPort: 8961, rtmpPort: 19371, originHttpPort: 8981 });
});
afterAll(async () => {
  await live?.stop();
});

describe('playback in Chromium', () => {
  it('plays a signed stream through the embed page, advances, and switches rendition', async () => {
    const s = await live.createStream({ ladder: ['source', '240p'], latency_mode: 'low' });
    const publisher = live.publish(s.streamKey, { seconds: 120 });
    const token = await live.token(s.playbackId, 'v');
    const master = await live.waitForMaster(s.playbackId, token, 2);
    expect(master.match(/#EXT-X-STREAM-INF/g)).toHaveLength(2);

    const ctx = await live.browser();
    const page = await ctx.newPage();
    const failed: string[] = [];
    const requested: string[] = [];
    page.on('response', (r) => {
      requested.push(r.url());
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    const thumb = await live.token(s.playbackId, 't');
    // The origin posts its first frame a few seconds into the session; wait for it so the poster
    // request below proves admission, not the race with the first thumbnail.
    const thumbUrl = `${live.stack.worker.url}/thumbnails/${s.playbackId}.jpg?token=${thumb}`;
    await waitFor('the first thumbnail', async () => ((await fetch(thumbUrl)).status === 200 ? true : null), 30_000);
    await page.goto(`${live.stack.worker.url}/embed/${s.playbackId}?token=${token}&thumbnail_token=${thumb}`);

    const started = await waitFor(
      'playback to start',
      async () => {
        const p = await probe(page);
        return p && p.currentTime > 1 ? p : null;
      },
      45_000,
    );
    expect(started.live).toBe(true);
    expect(await page.locator('#live').isVisible()).toBe(true);
    expect(started.qualities.map((q) => q.height).sort((a, b) => a - b)).toEqual([240, 360]);

    await page.waitForTimeout(4000);
    const later = (await probe(page))!;
    expect(later.currentTime).toBeGreaterThan(started.currentTime + 2);

    // Switch to the rung not playing now; the picture follows.
    const target = later.qualities.find((q) => q.index !== later.current)!;
    await setQuality(page, target.index);
    const switched = await waitFor(
      'the rendition switch',
      async () => {
        const p = await probe(page);
        return p && p.current === target.index && p.videoHeight === target.height ? p : null;
      },
      30_000,
    );
    await page.waitForTimeout(3000);
    const after = (await probe(page))!;
    expect(after.currentTime).toBeGreaterThan(switched.currentTime + 1);
    expect(after.fatalErrors).toBe(0);
    expect(after.error).toBeNull();
    expect(after.latencyMs).not.toBeNull();
    // LL-HLS (low mode): hls.js in lowLatencyMode loaded parts and used blocking reloads.
    const parts = requested.filter((u) => /\/\d+\.\d+\.ts\?/.test(u));
    const blocking = requested.filter((u) => u.includes('.m3u8') && u.includes('_HLS_msn='));
    console.log(
      `LL-HLS in Chromium: ${parts.length} part and ${blocking.length} blocking playlist requests; latency by program date time ${after.latencyMs} ms`,
    );
    expect(parts.length).toBeGreaterThan(5);
    expect(blocking.length).toBeGreaterThan(5);
    // Every request the player made (playlists with grants, segments, the poster) was admitted.
    expect(failed).toEqual([]);
    // The quality menu offers Auto plus both rungs.
    expect(await page.locator('#quality option').count()).toBe(3);

    publisher.kill('SIGINT');
  });

  it('plays an AES-128 encrypted stream with LL-HLS parts: the origin encrypts, the player fetches the key through its grant', async () => {
    const s = await live.createStream({ ladder: ['source'], latency_mode: 'low', encryption: true });
    const publisher = live.publish(s.streamKey, { seconds: 60 });
    const token = await live.token(s.playbackId, 'v');
    await live.waitForMaster(s.playbackId, token, 1);
    const page = await (await live.browser()).newPage();
    const keyRequests: number[] = [];
    const requested: string[] = [];
    page.on('response', (r) => {
      requested.push(r.url());
      if (r.url().includes('/aes.key')) keyRequests.push(r.status());
    });
    await page.goto(`${live.stack.worker.url}/embed/${s.playbackId}?token=${token}`);
    const started = await waitFor(
      'encrypted playback to start',
      async () => {
        const p = await probe(page);
        return p && p.currentTime > 1 ? p : null;
      },
      45_000,
    );
    await page.waitForTimeout(3000);
    const later = (await probe(page))!;
    expect(later.currentTime).toBeGreaterThan(started.currentTime + 1.5);
    expect(later.fatalErrors).toBe(0);
    expect(keyRequests.length).toBeGreaterThan(0);
    expect(keyRequests.every((st) => st === 200)).toBe(true);
    // LL-HLS as for a clear stream: hls.js loaded (and decrypted) parts through blocking reloads.
    const parts = requested.filter((u) => /\/\d+\.\d+\.ts\?/.test(u));
    const blocking = requested.filter((u) => u.includes('.m3u8') && u.includes('_HLS_msn='));
    console.log(`encrypted LL-HLS in Chromium: ${parts.length} parts, ${blocking.length} blocking reloads`);
    expect(parts.length).toBeGreaterThan(5);
    expect(blocking.length).toBeGreaterThan(5);
    // The bytes in R2 are not MPEG-TS: without the key a segment, or a part, is noise.
    const media = await (await fetch(`${live.stack.worker.url}/hls/${s.playbackId}.m3u8?token=${token}`)).text();
    const mediaUrl = new URL(media.trim().split('\n').pop()!, `${live.stack.worker.url}/hls/${s.playbackId}.m3u8`);
    const list = await (await fetch(mediaUrl)).text();
    const segUri = list
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .pop()!;
    const partUri = [...list.matchAll(/#EXT-X-PART:.*URI="([^"]+)"/g)].pop()?.[1];
    expect(partUri, 'the playlist lists parts').toBeDefined();
    // The open segment's parts (or the hinted one) come after their own key line and IV.
    expect(list).toMatch(
      /#EXT-X-KEY:METHOD=AES-128,URI="[^"]+",IV=0x[0-9a-f]{32}\n(#EXT-X-PART:.*\n)*#EXT-X-PRELOAD-HINT/,
    );
    for (const uri of [segUri, partUri!]) {
      const bytes = new Uint8Array(await (await fetch(new URL(uri, mediaUrl))).arrayBuffer());
      expect(bytes.length % 16, uri).toBe(0);
      expect(bytes[0] === 0x47 && bytes[188] === 0x47, uri).toBe(false);
    }
    publisher.kill('SIGINT');
  });
});
