/**
 * Simulcast for real: an ffmpeg test-pattern publisher -> the origin (NGINX-RTMP + agent) -> one
 * FFmpeg push per target to other NGINX-RTMP servers on 127.0.0.1 (stand-ins for YouTube and
 * Twitch ingest), recorded there and checked with ffprobe; the second target is `rtmps://`, its
 * receiver reachable only through TLS (NGINX's stream module in front, as for Facebook Live), and one
 * target pushes the 360p rung (encoded by its push) while the others copy the source. Targets are added and disabled while
 * live, a receiver that is down shows `errored` and recovers, the room socket hears every change,
 * and the stream's own HLS keeps advancing throughout.
 */
import type { ServerFrame } from '@edgelive/shared';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestPublisher } from '../origin/test-support/publisher.ts';
import { createStream, getStream, launchOrigin, PlaylistWatcher, sleep, until } from './harness/live.ts';
import { probeFlv, RtmpReceiver } from './harness/rtmp-receiver.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

// Ports of this file (issue 13's range): wrangler dev 20000, origin RTMP 20001, receivers 20010-20012,
// the RTMPS receiver's TLS port 20013, the chosen-rung receiver 21400.
const WORKER_PORT = 20000;
const RTMP_PORT = 20001;

interface Target {
  id: string;
  status: string;
  enabled: boolean;
  last_error: string | null;
  next_retry_at: string | null;
}

let stack: TestStack;
let origin: Awaited<ReturnType<typeof launchOrigin>>;
const receivers = [new RtmpReceiver(20010), new RtmpReceiver(20011, { tlsPort: 20013 }), new RtmpReceiver(20012)];
/** The target with `rendition: '360p'`: its push encodes that rung from the 854x480 program. */
const rungReceiver = new RtmpReceiver(21400);
let publisher: ReturnType<typeof startTestPublisher> | null = null;
let socket: WebSocket | null = null;

beforeAll(async () => {
  stack = await startTestStack({ port: WORKER_PORT });
  origin = await launchOrigin({ originId: 'orig_local', workerUrl: stack.worker.url, rtmpPort: RTMP_PORT });
  await receivers[0]!.start();
  await receivers[1]!.start();
  await rungReceiver.start();
  // receivers[2] starts down.
});

afterAll(async () => {
  publisher?.kill('SIGKILL');
  socket?.close();
  await origin?.cleanup();
  for (const r of [...receivers, rungReceiver]) await r.cleanup();
  await stack?.stop();
});

const targetsPath = (streamId: string) => `/v1/streams/${streamId}/simulcast-targets`;
const getTarget = (streamId: string, id: string) => stack.api.call<Target>('GET', `${targetsPath(streamId)}/${id}`);

function waitStatus(streamId: string, id: string, status: string, ms = 30_000) {
  return until(
    `target ${id} ${status}`,
    async () => {
      const t = await getTarget(streamId, id);
      return t.status === status ? t : null;
    },
    ms,
  );
}

async function roomSocket(roomId: string): Promise<ServerFrame[]> {
  const key = await importPKCS8(stack.demo.signing_key.private_key, 'RS256');
  const token = await new SignJWT({ name: 'watcher' })
    .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
    .setSubject('watcher')
    .setAudience('chat')
    .setExpirationTime('1h')
    .sign(key);
  const frames: ServerFrame[] = [];
  socket = new WebSocket(`ws://127.0.0.1:${WORKER_PORT}/v1/rooms/${roomId}/ws?token=${encodeURIComponent(token)}`);
  socket.on('message', (d) => {
    const f = JSON.parse(d.toString()) as ServerFrame;
    if (f.type === 'batch') frames.push(...(f.frames as ServerFrame[]));
    else frames.push(f);
  });
  await new Promise<void>((resolve, reject) => {
    socket!.once('open', () => resolve());
    socket!.once('error', reject);
  });
  return frames;
}

describe('simulcast end to end (NGINX-RTMP receivers on 127.0.0.1)', () => {
  it('pushes to two targets (and a 360p rung to a third), adds one live, disables one, and recovers a receiver that was down; HLS never stalls', async () => {
    const stream = await createStream(stack.api, { name: 'e2e simulcast', ladder: ['source', '360p'] });
    const live = await getStream(stack.api, stream.id);
    const roomId = (live as unknown as { room_id: string }).room_id;
    const frames = await roomSocket(roomId);
    const add = (url: string, name: string, rendition?: string) =>
      stack.api.call<Target>('POST', targetsPath(stream.id), { url, stream_key: `key-${name}`, name, rendition });
    const t1 = await add(receivers[0]!.url, 'one');
    const t2 = await add(receivers[1]!.url, 'two');
    const t4 = await add(rungReceiver.url, 'rung', '360p');
    expect((t4 as Target & { rendition: string | null }).rendition).toBe('360p');
    expect(receivers[1]!.url).toMatch(/^rtmps:\/\/127\.0\.0\.1:20013\//);

    // Larger than 360p, so that the chosen rung is told apart from the source by its size.
    publisher = startTestPublisher(`${origin.rtmpUrl}/${stream.stream_key}`, { size: '854x480' });
    await Promise.all([t1, t2, t4].map((t) => waitStatus(stream.id, t.id, 'broadcasting')));

    // The program's HLS, watched as a player would, from here to the end.
    const pb = stream.playback_ids[0]!.id;
    const sessionId = (await getStream(stack.api, stream.id)).current_session!.id;
    const watcher = new PlaylistWatcher(`${stack.worker.url}/hls/${pb}/${sessionId}/source.m3u8`).start(500);
    const advancing: number[] = [];
    const sampler = setInterval(() => advancing.push(watcher.maxSequence), 1000);
    try {
      // A third target added while live, whose receiver is down: errored with a reason and a retry time.
      const t3 = await add(receivers[2]!.url, 'three');
      const errored = await waitStatus(stream.id, t3.id, 'errored', 20_000);
      expect(errored.last_error).toBeTruthy();
      expect(errored.last_error).not.toContain('key-three');
      expect(Date.parse(errored.next_retry_at!)).toBeGreaterThan(Date.now() - 60_000);

      // Disabling target two stops its push; target one carries on untouched.
      await stack.api.call('PATCH', `${targetsPath(stream.id)}/${t2.id}`, { enabled: false });
      await waitStatus(stream.id, t2.id, 'idle', 15_000);
      await sleep(1500);
      const frozen = receivers[1]!.totalBytes();
      const oneBefore = receivers[0]!.totalBytes();
      await sleep(3000);
      expect(receivers[1]!.totalBytes()).toBe(frozen);
      expect(receivers[0]!.totalBytes()).toBeGreaterThan(oneBefore);
      expect((await getTarget(stream.id, t1.id)).status).toBe('broadcasting');

      // The receiver comes up: the next retry gets through.
      await receivers[2]!.start();
      await waitStatus(stream.id, t3.id, 'broadcasting', 40_000);
      await until(
        'receiver three records media',
        async () => (receivers[2]!.totalBytes() > 50_000 ? true : null),
        20_000,
      );
      await sleep(2000);

      for (const [i, r] of [receivers[0]!, receivers[1]!, receivers[2]!].entries()) {
        const rec = r.recordings();
        expect(rec.length, `receiver ${i}`).toBeGreaterThan(0);
        const probe = probeFlv(rec.at(-1)!.file);
        expect(probe.video, `receiver ${i}`).toEqual({ codec: 'h264', width: 854, height: 480 });
        expect(probe.audio, `receiver ${i}`).toBe('aac');
        expect(probe.durationS, `receiver ${i}`).toBeGreaterThan(1);
      }

      // The target with a chosen rung got that rung (encoded by its push), not the source.
      const rung = rungReceiver.recordings();
      expect(rung.length).toBeGreaterThan(0);
      const rungProbe = probeFlv(rung.at(-1)!.file);
      expect(rungProbe.video).toEqual({ codec: 'h264', width: 640, height: 360 });
      expect(rungProbe.audio).toBe('aac');
      expect(rungProbe.durationS).toBeGreaterThan(1);
      expect((await getTarget(stream.id, t4.id)).status).toBe('broadcasting');

      // Events of the target that started errored, oldest first.
      const events = await stack.api.call<{ data: { type: string }[] }>(
        'GET',
        `/v1/events?object_id=${t3.id}&limit=100`,
      );
      const types = events.data.map((e) => e.type).reverse();
      expect(types[0]).toBe('simulcast_target.created');
      expect(types.slice(1, 3)).toEqual(['simulcast_target.starting', 'simulcast_target.errored']);
      expect(types.at(-2)).toBe('simulcast_target.starting');
      expect(types.at(-1)).toBe('simulcast_target.broadcasting');
      // In between: only retries (starting, errored) pairs.
      for (const t of types.slice(3, -2))
        expect(['simulcast_target.starting', 'simulcast_target.errored']).toContain(t);
      const t2Types = (
        await stack.api.call<{ data: { type: string }[] }>('GET', `/v1/events?object_id=${t2.id}&limit=100`)
      ).data
        .map((e) => e.type)
        .reverse();
      expect(t2Types).toEqual([
        'simulcast_target.created',
        'simulcast_target.starting',
        'simulcast_target.broadcasting',
        'simulcast_target.idle',
      ]);

      // The room heard the same changes.
      const pushed = frames.flatMap((f) =>
        f.type === 'simulcast_target' ? [`${f.target.id}:${f.target.status}`] : [],
      );
      expect(pushed).toContain(`${t1.id}:broadcasting`);
      expect(pushed).toContain(`${t2.id}:idle`);
      expect(pushed).toContain(`${t3.id}:errored`);
      expect(pushed.at(-1)).toBe(`${t3.id}:broadcasting`);
    } finally {
      clearInterval(sampler);
      watcher.stop();
    }
    // HLS kept advancing: no 6-second window without a new segment (2 s segments).
    expect(advancing.length).toBeGreaterThan(10);
    for (let i = 6; i < advancing.length; i++) {
      expect(advancing[i]!, `HLS stalled around second ${i}`).toBeGreaterThan(advancing[i - 6]!);
    }
    const seq = watcher.sequences();
    for (let i = 1; i < seq.length; i++) expect(seq[i]! - seq[i - 1]!).toBe(1);
  }, 150_000);
});
