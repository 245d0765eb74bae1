import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LiveStack, startLiveStack } from './harness/live-stack.ts';
import { waitFor } from './harness/player-probe.ts';

/**
 * A channel's watch page in Chromium, through the real stack: offline with the creator's avatar;
 * then, after ffmpeg publishes, live with chat and a viewer count without a reload (the room
 * pushes the stream's status); after the session, the recording is listed and plays.
 */
let live: LiveStack;
const shots = path.resolve('e2e/screenshots');
const tmp = mkdtempSync(path.join(tmpdir(), 'edgelive-watch-'));

beforeAll(async () => {
  live = await startLiveStack({ workerPort: 20101, rtmpPort: 20135, originHttpPort: 20181 });
});
afterAll(async () => {
  await live?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** What the page's script exposes (packages/client/src/watch/watch.ts). */
const view = (page: Page) =>
  page.evaluate(() => {
    type W = { edgelive?: { video: HTMLVideoElement | null } };
    const v = (window as unknown as W).edgelive?.video;
    return {
      state: document.body?.dataset.state,
      currentTime: v?.currentTime ?? 0,
      viewers: document.getElementById('viewers')?.textContent ?? '',
      viewersShown: !document.getElementById('viewers')?.hidden,
      messages: Array.from(document.querySelectorAll('#messages li')).map((li) => li.textContent ?? ''),
      recordings: Array.from(document.querySelectorAll('#recs a')).map((a) => (a as HTMLAnchorElement).href),
      canSend: !document.getElementById('send')?.hidden,
      title: document.getElementById('title')?.textContent ?? '',
    };
  });

describe('watch page in Chromium', () => {
  it('goes offline → live with chat and count → recording listed and playing, without a reload', async () => {
    const { api, worker, demo } = live.stack;
    const slug = `ada-${Date.now().toString(36)}`;
    const ch = await api.call<{ id: string; watch_url: string }>('POST', '/v1/channels', {
      slug,
      display_name: 'Ada Lovelace',
      bio: 'Live-coding analytical engines every Friday.',
      links: [{ label: 'Website', url: 'https://ada.example' }],
    });
    // A real PNG, drawn by ffmpeg, uploaded through the signed URL.
    const png = path.join(tmp, 'avatar.png');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=0xf59e0b:s=256x256',
      '-frames:v',
      '1',
      png,
    ]);
    const ticket = await api.call<{ upload_url: string }>('POST', `/v1/channels/${ch.id}/images`, { kind: 'avatar' });
    const put = await fetch(ticket.upload_url, { method: 'PUT', body: readFileSync(png) });
    expect(put.status, await put.text()).toBe(200);

    const s = await live.createStream({
      name: 'Engines, live',
      playback_policies: ['public'],
      ladder: ['source', '240p'],
      recording: true,
      reconnect_window: 0,
    });
    await api.call('PUT', `/v1/channels/${ch.id}/streams/${s.id}`);
    const room = (await api.call<{ room_id: string }>('GET', `/v1/streams/${s.id}`)).room_id;

    const ctx = await live.browser();
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(ch.watch_url);
    expect(ch.watch_url).toBe(`${worker.url}/watch/${demo.app.id}/${slug}`);
    expect((await view(page)).state).toBe('offline');
    await page.waitForFunction(() => (document.querySelector('.slate img') as HTMLImageElement | null)?.complete);
    await page.screenshot({ path: path.join(shots, 'watch-offline.png') });

    // A signed-in viewer: one token for video and chat, handed over by the customer's page.
    const key = await importPKCS8(demo.signing_key.private_key, 'RS256');
    const token = await new SignJWT({
      aud: ['v', 't', 'chat'],
      sub: 'user_grace',
      name: 'Grace',
      playback_id: s.playbackId,
    })
      .setProtectedHeader({ alg: 'RS256', kid: demo.signing_key.id })
      .setExpirationTime('1h')
      .sign(key);
    const chatter = await ctx.newPage();
    await chatter.goto(`${ch.watch_url}?token=${token}`);
    await waitFor(
      'the chat form for a token holder',
      async () => ((await view(chatter)).canSend ? true : null),
      10_000,
    );
    expect((await view(page)).canSend).toBe(false);

    const publisher = live.publish(s.streamKey, { seconds: 25 });
    const playing = await waitFor(
      'the page to go live and play, without a reload',
      async () => {
        const v = await view(page);
        return v.state === 'live' && v.currentTime > 1 ? v : null;
      },
      60_000,
    );
    expect(playing.viewersShown).toBe(true);
    expect(playing.title).toBe('Engines, live');
    await waitFor(
      'the viewer count (both pages)',
      async () => ((await view(page)).viewers === '2 watching' ? true : null),
      15_000,
    );

    await chatter.fill('#text', 'Hello from Grace');
    await chatter.click('#send button');
    await api.call('POST', `/v1/rooms/${room}/messages`, { text: 'Welcome, everyone' });
    await waitFor(
      'both messages on the anonymous viewer’s page',
      async () => {
        const m = (await view(page)).messages;
        return m.some((t) => t.includes('Hello from Grace')) && m.some((t) => t.includes('Welcome, everyone'))
          ? m
          : null;
      },
      15_000,
    );
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(shots, 'watch-live.png') });

    // The publisher stops; the session ends (no reconnect window) and its recording is finalized.
    publisher.kill('SIGINT');
    const after = await waitFor(
      'the page to go offline and list the recording',
      async () => {
        const v = await view(page);
        return v.state === 'offline' && v.recordings.length > 0 ? v : null;
      },
      60_000,
    );
    expect(after.title).toBe('Ada Lovelace');
    expect(after.recordings[0]).toMatch(new RegExp(`/watch/${demo.app.id}/${slug}/recordings/lsn_\\w+$`));
    await page.screenshot({ path: path.join(shots, 'watch-after.png') });

    await page.click('#recs a');
    const replay = await waitFor(
      'the recording to play',
      async () => {
        const v = await view(page);
        return v.state === 'recording' && v.currentTime > 2 ? v : null;
      },
      30_000,
    );
    expect(replay.state).toBe('recording');

    // The chat replays in step: Grace's message belongs at the player time of the frame that was
    // live when she sent it, read from the recording's playlist (each segment's program date
    // time), not counted from the session's start.
    const sid = /recordings\/(lsn_\w+)$/.exec(after.recordings[0]!)![1]!;
    const hls = (p: string) => fetch(`${worker.url}/hls/${s.playbackId}/recordings/${p}`).then((r) => r.text());
    const media = (await hls(`${sid}.m3u8`)).split('\n').find((l) => l && !l.startsWith('#'))!;
    const playlist = await hls(media);
    const history = await api.call<{ data: { text: string; created_at: string }[] }>(
      'GET',
      `/v1/rooms/${room}/messages`,
    );
    const sentAt = Date.parse(history.data.find((m) => m.text === 'Hello from Grace')!.created_at);
    // Player time of the frame live then: the segment being published (the latest program date
    // time before it), its start in the playlist plus the time since its first frame.
    let start = 0;
    let expected = 0;
    for (const [, pdt, dur] of playlist.matchAll(/#EXT-X-PROGRAM-DATE-TIME:(\S+)\n#EXTINF:([\d.]+),/g)) {
      const t = Date.parse(pdt!);
      if (t <= sentAt) expected = start + Math.min(Number(dur), (sentAt - t) / 1000);
      start += Number(dur);
    }
    const firstFrame = Date.parse(/#EXT-X-PROGRAM-DATE-TIME:(\S+)/.exec(playlist)![1]!);
    console.info(
      `chat replay: ${((sentAt - firstFrame) / 1000).toFixed(3)} s after the first frame, ${expected.toFixed(3)} s by its segment`,
    );
    expect(expected).toBeGreaterThan(3);
    await page.evaluate((t) => {
      const v = (window as unknown as { edgelive: { video: HTMLVideoElement } }).edgelive.video;
      v.currentTime = t;
      return new Promise((resolve) => v.addEventListener('seeked', resolve, { once: true }));
    }, expected - 3);
    expect((await view(page)).messages.some((t) => t.includes('Hello from Grace'))).toBe(false);
    // Where the playhead is when the message appears (read in the page, as the list changes).
    const shownAt = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const v = (window as unknown as { edgelive: { video: HTMLVideoElement } }).edgelive.video;
          const list = document.getElementById('messages')!;
          const seen = () =>
            Array.from(list.querySelectorAll('li')).some((li) => li.textContent?.includes('Hello from Grace'));
          if (seen()) return resolve(v.currentTime);
          new MutationObserver(() => seen() && resolve(v.currentTime)).observe(list, { childList: true });
          setTimeout(() => reject(new Error('the replayed message never appeared')), 20_000);
        }),
    );
    console.info(`chat replay: sent at player time ${expected.toFixed(3)} s, shown at ${shownAt.toFixed(3)} s`);
    expect(Math.abs(shownAt - expected), `shown at ${shownAt} s, sent at ${expected} s`).toBeLessThan(0.75);
    await page.screenshot({ path: path.join(shots, 'watch-recording.png') });
  });
});
