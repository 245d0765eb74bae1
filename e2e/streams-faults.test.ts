/**
 * Faults on the real chain (ffmpeg publisher -> NGINX-RTMP -> agent -> wrangler dev -> R2/DO):
 * the Worker unreachable mid-stream, FFmpeg crashing, the publisher dropping and coming back
 * within the reconnect window and after it. The origin reaches the Worker through a TCP proxy the
 * test can cut, so an outage is a real one (refused and reset connections), not a flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import {
  createStream,
  fetchMedia,
  fetchText,
  getStream,
  launchOrigin,
  PlaylistWatcher,
  sessionsOf,
  sleep,
  TcpProxy,
  until,
} from './harness/live.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

// Ports of this file: wrangler dev 8991, RTMP 19382; the proxy takes an ephemeral port.
const WORKER_PORT = 8991;

let stack: TestStack;
let proxy: TcpProxy;
let origin: Awaited<ReturnType<typeof launchOrigin>>;
const children: ReturnType<typeof startTestPublisher>[] = [];
const watchers: PlaylistWatcher[] = [];

function publish(key: string, size = '426x240') {
  const pub = startTestPublisher(`${origin.rtmpUrl}/${key}`, { size });
  children.push(pub);
  return pub;
}

const hls = (path: string) => `${stack.worker.url}/hls/${path}`;

async function liveSession(streamId: string): Promise<string> {
  return until('a live session', async () => (await getStream(stack.api, streamId)).current_session?.id, 30_000);
}

function watch(pb: string, sessionId: string, rung: string): PlaylistWatcher {
  const w = new PlaylistWatcher(hls(`${pb}/${sessionId}/${rung}.m3u8`)).start(400);
  watchers.push(w);
  return w;
}

async function status(streamId: string) {
  return (await getStream(stack.api, streamId)).status;
}

beforeAll(async () => {
  stack = await startTestStack({ port: WORKER_PORT });
  proxy = new TcpProxy(WORKER_PORT);
  await proxy.listen(0);
  origin = await launchOrigin({ originId: 'orig_local', workerUrl: proxy.url, rtmpPort: 19382 });
});

afterAll(async () => {
  for (const w of watchers) w.stop();
  for (const c of children) c.kill('SIGKILL');
  if (proxy && !proxy.isUp) await proxy.restore().catch(() => undefined);
  await origin?.cleanup();
  await proxy?.close();
  await stack?.stop();
});

describe('live stream faults end to end', () => {
  it('loses no segment while the Worker is unreachable for 10 s: every number reaches R2 and the playlist', async () => {
    const stream = await createStream(stack.api, { name: 'e2e outage', ladder: ['source', '240p'] });
    const pb = stream.playback_ids[0]!.id;
    const pub = publish(stream.stream_key, '640x360');
    try {
      const sessionId = await liveSession(stream.id);
      const w = { source: watch(pb, sessionId, 'source'), '240p': watch(pb, sessionId, '240p') };
      await until('two segments listed', () => w.source.maxSequence >= 1 && w['240p'].maxSequence >= 1, 40_000);

      await proxy.cut();
      const cutAt = Date.now();
      const listedAtCut = w.source.maxSequence;
      await sleep(10_000);
      // While cut, the agent really could not deliver: segments piled up on disk, nothing new listed.
      expect(origin.agent.queue.pendingBytes, 'segments waiting on disk').toBeGreaterThan(0);
      expect(w.source.maxSequence, 'nothing listed during the outage').toBeLessThanOrEqual(listedAtCut + 1);
      const connectionsBefore = proxy.connections;
      await proxy.restore();
      expect(Date.now() - cutAt).toBeGreaterThanOrEqual(10_000);

      // Back: the backlog (about five 2 s segments per rung) drains and the stream goes on.
      await until('the backlog and more listed', () => w.source.maxSequence >= listedAtCut + 8, 60_000);
      expect(proxy.connections).toBeGreaterThan(connectionsBefore);
      pub.kill('SIGINT');
      await waitExit(pub);
      await until('reconnecting after publish-done', async () => (await status(stream.id)) === 'reconnecting', 40_000);
      for (const x of Object.values(w)) await x.poll();

      for (const [rung, x] of Object.entries(w)) {
        const seqs = x.sequences();
        // Every sequence from 0 to the last was listed by the playlist the Worker serves ...
        expect(seqs, `${rung}: ${seqs.join(',')}`).toEqual(seqs.map((_, i) => i));
        expect(seqs.length).toBeGreaterThanOrEqual(listedAtCut + 9);
        // ... without a gap being skipped (a skip would put a discontinuity in) ...
        expect(
          [...x.seen.values()].filter((s) => s.discontinuity).map((s) => s.sequence),
          rung,
        ).toEqual([]);
        // ... and is in R2, readable through the segment URL.
        for (const seq of seqs) {
          const res = await fetch(hls(`${pb}/${sessionId}/${rung}/${seq}.ts`), { method: 'HEAD' });
          expect(res.status, `${rung}/${seq}.ts`).toBe(200);
          expect(Number(res.headers.get('content-length')), `${rung}/${seq}.ts`).toBeGreaterThan(1000);
        }
      }
      expect(await sessionsOf(stack.api, stream.id)).toHaveLength(1);
    } finally {
      pub.kill('SIGKILL');
      await waitExit(pub);
    }
  });

  it('restarts a crashed FFmpeg and continues one session after the publisher comes back within the window', async () => {
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 60_000);
    const stream = await createStream(stack.api, {
      name: 'e2e restart',
      ladder: ['source', '240p'],
      reconnect_window: 10,
    });
    const pb = stream.playback_ids[0]!.id;
    // Taller than the 240p rung: a rung as tall as the source is not encoded beside it (issue 12).
    let pub = publish(stream.stream_key, '640x360');
    try {
      const sessionId = await liveSession(stream.id);
      const w = watch(pb, sessionId, '240p');
      await until('two segments listed', () => w.maxSequence >= 1, 40_000);

      // FFmpeg dies mid-stream: the agent starts another, numbering goes on after a discontinuity.
      const publication = origin.agent.publications().find((p) => p.streamId === stream.id)!;
      const pid = publication.ffmpegPid!;
      const beforeCrash = w.maxSequence;
      process.kill(pid, 'SIGKILL');
      await until('segments from a new FFmpeg', () => w.maxSequence >= beforeCrash + 3, 40_000);
      expect(publication.ffmpegRestarts).toBe(1);
      expect(publication.ffmpegPid).not.toBe(pid);
      const afterCrash = [...w.seen.values()].filter((s) => s.sequence > beforeCrash);
      expect(afterCrash.filter((s) => s.discontinuity)).toHaveLength(1);
      expect(await status(stream.id)).toBe('active');
      expect((await getStream(stack.api, stream.id)).current_session).toMatchObject({ id: sessionId, reconnects: 0 });

      // The publisher is killed and comes back within the 10 s window: same session, reconnects 1.
      pub.kill('SIGKILL');
      await waitExit(pub);
      await until('reconnecting', async () => (await status(stream.id)) === 'reconnecting', 40_000);
      // The ended publication's last number, from the agent: the playlist read now may still be
      // the micro-cached one without the final segment it uploaded before publish-done.
      await publication.whenEnded();
      const lastBefore = publication.nextSequence - 1;
      pub = publish(stream.stream_key, '640x360');
      await until('segments after the reconnect', () => w.maxSequence >= lastBefore + 2, 40_000);
      const s = await getStream(stack.api, stream.id);
      expect(s.status).toBe('active');
      expect(s.current_session).toMatchObject({ id: sessionId, status: 'active', reconnects: 1 });
      expect(await sessionsOf(stack.api, stream.id)).toHaveLength(1);
      const firstNew = [...w.seen.values()]
        .filter((x) => x.sequence > lastBefore)
        .sort((a, b) => a.sequence - b.sequence)[0]!;
      const around = [...w.seen.values()]
        .filter((x) => x.sequence >= lastBefore - 2)
        .sort((a, b) => a.sequence - b.sequence)
        .map((x) => `${x.discontinuity ? '|' : ''}${x.sequence}`)
        .join(' ');
      expect(firstNew.discontinuity, `EXT-X-DISCONTINUITY before ${lastBefore + 1}... (${around})`).toBe(true);
      // The live playlist itself shows both discontinuities (crash and reconnect) while they are in its window.
      const text = (await fetchText(w.url)).text;
      expect(text.match(/#EXT-X-DISCONTINUITY\n/g)?.length ?? 0).toBeGreaterThanOrEqual(1);
      // Numbers never repeat within the session.
      const seqs = w.sequences();
      expect(new Set(seqs).size).toBe(seqs.length);
    } finally {
      pub.kill('SIGKILL');
      await waitExit(pub);
    }
  });

  it('ends the session when the publisher stays away longer than the window; the next publish is a new session', async () => {
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 60_000);
    const stream = await createStream(stack.api, { name: 'e2e window', ladder: ['source'], reconnect_window: 5 });
    const pb = stream.playback_ids[0]!.id;
    let pub = publish(stream.stream_key);
    try {
      const first = await liveSession(stream.id);
      await until(
        'a segment listed',
        async () => ((await fetchMedia(hls(`${pb}/${first}/source.m3u8`)))?.segments.length ?? 0) >= 1,
      );
      pub.kill('SIGKILL');
      await waitExit(pub);
      await until('reconnecting', async () => (await status(stream.id)) === 'reconnecting', 40_000);
      const reconnectingAt = Date.now();
      await until('idle once the 5 s window is over', async () => (await status(stream.id)) === 'idle', 20_000);
      // Not before the window: the alarm fires at its deadline.
      expect(Date.now() - reconnectingAt).toBeGreaterThanOrEqual(3500);
      const ended = await sessionsOf(stack.api, stream.id);
      expect(ended).toMatchObject([{ id: first, status: 'ended' }]);
      expect(ended[0]!.ended_at).not.toBeNull();
      expect((await fetchMedia(hls(`${pb}/${first}/source.m3u8`)))!.ended).toBe(true);

      pub = publish(stream.stream_key);
      const second = await until(
        'a new session',
        async () => {
          const id = (await getStream(stack.api, stream.id)).current_session?.id;
          return id && id !== first ? id : null;
        },
        30_000,
      );
      const now = await getStream(stack.api, stream.id);
      expect(now.current_session).toMatchObject({ id: second, status: 'active', reconnects: 0 });
      const all = await sessionsOf(stack.api, stream.id);
      expect(all.map((x) => [x.id, x.status])).toEqual([
        [second, 'active'],
        [first, 'ended'],
      ]);
    } finally {
      pub.kill('SIGKILL');
      await waitExit(pub);
    }
  });
});
