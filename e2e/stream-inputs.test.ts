/**
 * Several cameras for real: two ffmpeg publishers with visibly different pictures (testsrc2 and
 * solid blue) on two inputs of one stream -> the origin (NGINX-RTMP + agent + FFmpeg). A switch
 * through the API puts camera 2 on air: the stream's one HLS playlist continues (same session,
 * contiguous numbering, a discontinuity) and shows blue within a few segments; the room socket
 * hears the program change; camera 2 drops and automatic failover cuts back; the recording has the
 * three parts in order. The stream is `low` (LL-HLS): its parts continue across the cut.
 */
import type { ServerFrame } from '@edgelive/shared';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestPublisher } from '../origin/test-support/publisher.ts';
import {
  createStream,
  fetchMedia,
  fetchText,
  getStream,
  launchOrigin,
  PlaylistWatcher,
  parseMaster,
  sessionsOf,
  sleep,
  until,
} from './harness/live.ts';
import { firstFrameColour, isBlue } from './harness/picture.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

// Ports of this file (issue 13's range): wrangler dev 20020, origin RTMP 20021.
const WORKER_PORT = 20020;
const RTMP_PORT = 20021;

interface Input {
  id: string;
  stream_key: string;
  primary: boolean;
  on_air: boolean;
  status: string;
}

let stack: TestStack;
let origin: Awaited<ReturnType<typeof launchOrigin>>;
const publishers: ReturnType<typeof startTestPublisher>[] = [];
let socket: WebSocket | null = null;

beforeAll(async () => {
  stack = await startTestStack({ port: WORKER_PORT });
  origin = await launchOrigin({ originId: 'orig_local', workerUrl: stack.worker.url, rtmpPort: RTMP_PORT });
});

afterAll(async () => {
  for (const p of publishers) p.kill('SIGKILL');
  socket?.close();
  await origin?.cleanup();
  await stack?.stop();
});

async function roomSocket(roomId: string): Promise<ServerFrame[]> {
  const key = await importPKCS8(stack.demo.signing_key.private_key, 'RS256');
  const token = await new SignJWT({ name: 'director' })
    .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
    .setSubject('director')
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

const blueAt = async (url: string) =>
  isBlue(
    firstFrameColour(new Uint8Array(await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).arrayBuffer())),
  );

describe('several inputs per stream (two real publishers)', () => {
  it('switches to camera 2 within seconds on the same playlist, fails back over when it drops, records both in order', async () => {
    const stream = await createStream(stack.api, {
      name: 'e2e cameras',
      ladder: ['source'],
      recording: true,
      reconnect_window: 0,
      // LL-HLS: the program's parts continue across the cut (checked below).
      latency_mode: 'low',
    });
    const roomId = (stream as unknown as { room_id: string }).room_id;
    const frames = await roomSocket(roomId);
    const inputsPath = `/v1/streams/${stream.id}/inputs`;
    const cam2 = await stack.api.call<Input>('POST', inputsPath, { name: 'Camera 2' });
    const primary = (await stack.api.call<{ data: Input[] }>('GET', inputsPath)).data.find((i) => i.primary)!;

    publishers.push(startTestPublisher(`${origin.rtmpUrl}/${stream.stream_key}`, { size: '640x360' }));
    const pb = stream.playback_ids[0]!.id;
    const session = await until('the stream live', async () => (await getStream(stack.api, stream.id)).current_session);
    const media = `${stack.worker.url}/hls/${pb}/${session.id}/source.m3u8`;
    const watcher = new PlaylistWatcher(media).start(300);
    const arrivals: { seq: number; at: number }[] = [];
    const sampler = setInterval(() => {
      const max = watcher.maxSequence;
      if (max >= 0 && arrivals.at(-1)?.seq !== max) arrivals.push({ seq: max, at: Date.now() });
    }, 200);
    try {
      await until('segments from camera 1', () => watcher.maxSequence >= 2, 40_000);
      const blue = publishers.push(
        startTestPublisher(`${origin.rtmpUrl}/${cam2.stream_key}`, { size: '640x360', pattern: 'color=c=blue' }),
      );
      expect(blue).toBe(2);
      await until('camera 2 connected', async () =>
        (await stack.api.call<Input>('GET', `${inputsPath}/${cam2.id}`)).status === 'connected' ? true : null,
      );
      // Both cameras have a preview the operator can look at before cutting.
      await until(
        'previews of both inputs',
        async () => {
          const codes = await Promise.all(
            [primary.id, cam2.id].map(async (id) => {
              const r = await fetch(`${stack.worker.url}${inputsPath}/${id}/thumbnail.jpg`, {
                headers: { authorization: `Bearer ${stack.demo.api_key.token}` },
              });
              const bytes = new Uint8Array(await r.arrayBuffer());
              return r.status === 200 && bytes[0] === 0xff && bytes[1] === 0xd8;
            }),
          );
          return codes.every(Boolean);
        },
        30_000,
      );
      // Still camera 1 on air: the latest segment is not blue.
      await watcher.poll();
      expect(await blueAt(new URL(watcher.last!.segments.at(-1)!.uri, media).toString())).toBe(false);

      // The cut.
      const before = watcher.maxSequence;
      const askedAt = Date.now();
      const cut = await stack.api.call<{ on_air_input_id: string }>('POST', `/v1/streams/${stream.id}/switch`, {
        input_id: cam2.id,
      });
      expect(cut.on_air_input_id).toBe(cam2.id);
      // The first playlist that lists parts after a discontinuity past the request: the cut's segment.
      const cutParts = await until(
        'the cut listed with its parts',
        async () => {
          const text = (await fetchText(media)).text;
          const m = text.match(/#EXT-X-DISCONTINUITY\n(?:#EXT-X-PROGRAM-DATE-TIME:.*\n)?#EXT-X-PART:(.*)\n/);
          const first = m?.[1]?.match(/URI="source\/(\d+)\.(\d+)\.ts[^"]*"/);
          return first && Number(first[1]) > before
            ? { text, attrs: m![1]!, sequence: Number(first[1]), index: first[2] }
            : null;
        },
        30_000,
        200,
      );
      const firstBlue = await until(
        'a blue segment on the same playlist',
        async () => {
          await watcher.poll();
          for (const s of [...watcher.seen.values()]
            .filter((x) => x.sequence > before)
            .sort((a, b) => a.sequence - b.sequence))
            if (await blueAt(new URL(s.uri, media).toString())) return s;
          return null;
        },
        30_000,
        500,
      );
      const switchMs = Date.now() - askedAt;
      console.log(
        `switch: first camera-2 segment ${firstBlue.sequence} (${firstBlue.sequence - before} after the last one listed at the request), seen ${switchMs} ms after it`,
      );
      // The cut is marked: a discontinuity after the request and no later than the first blue
      // segment. On a loaded machine the restarted ladder's first segment can still open on the
      // last frames of camera 1 buffered before the cut, so the mark may sit one segment earlier.
      const cutMark = [...watcher.seen.values()].find(
        (x) => x.sequence > before && x.sequence <= firstBlue.sequence && x.discontinuity,
      );
      expect(cutMark, 'a discontinuity marks the cut').toBeDefined();
      // Its parts are camera 2's from the first, which starts on a keyframe; the segment before
      // ends with camera 1's last part (no part of one camera is listed under the other's segment).
      expect(cutParts.index).toBe('0');
      expect(cutParts.attrs).toContain('INDEPENDENT=YES');
      const partUri = (seq: number, i: number) => new URL(`source/${seq}.${i}.ts`, media).toString();
      expect(await blueAt(partUri(cutParts.sequence, 0)), 'the cut segment starts with camera 2').toBe(true);
      const previous = [
        ...cutParts.text.matchAll(new RegExp(`URI="source/${cutParts.sequence - 1}\\.(\\d+)\\.ts`, 'g')),
      ];
      expect(previous.length, 'the segment before the cut lists its parts').toBeGreaterThan(0);
      // The segment before is camera 1's and is exactly its listed parts, end to end (a part alone
      // after the first does not decode, so its bytes are what is compared).
      const bytes = async (url: string) =>
        Buffer.from(await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).arrayBuffer());
      const segBefore = new URL(`source/${cutParts.sequence - 1}.ts`, media).toString();
      expect(await blueAt(segBefore), 'camera 1 until the cut').toBe(false);
      const partBytes = await Promise.all(previous.map((m) => bytes(partUri(cutParts.sequence - 1, Number(m[1])))));
      expect(Buffer.concat(partBytes).equals(await bytes(segBefore)), 'its parts are the segment').toBe(true);
      // Within a few seconds: 1 s segments (`low`), the program poll and the upload queue.
      expect(firstBlue.sequence - before).toBeLessThanOrEqual(6);
      const program = frames.find((f) => f.type === 'program');
      expect(program).toMatchObject({
        type: 'program',
        program: { input_id: cam2.id, name: 'Camera 2', reason: 'api' },
      });

      // Failover: camera 2 (on air) drops; after 2 s the program is camera 1 again, automatically.
      await stack.api.call('PATCH', `/v1/streams/${stream.id}/program`, { auto_failover: true, failover_after_s: 2 });
      await sleep(4000);
      const beforeDrop = watcher.maxSequence;
      publishers[1]!.kill('SIGKILL');
      const back = await until(
        'camera 1 back on air',
        async () => {
          await watcher.poll();
          const after = [...watcher.seen.values()].filter((x) => x.sequence > beforeDrop && x.discontinuity);
          for (const s of after) if (!(await blueAt(new URL(s.uri, media).toString()))) return s;
          return null;
        },
        40_000,
        500,
      );
      expect(back.sequence).toBeGreaterThan(beforeDrop);
      const programNow = await stack.api.call<{ on_air_input_id: string }>('GET', `/v1/streams/${stream.id}/program`);
      expect(programNow.on_air_input_id).toBe(primary.id);
      await until('the failover frame', () =>
        frames.some((f) => f.type === 'program' && f.program.reason === 'failover'),
      );
      await sleep(3000);
    } finally {
      clearInterval(sampler);
      watcher.stop();
    }
    // One playlist throughout: contiguous numbering, never 10 s without a new segment (2 s segments).
    const seq = watcher.sequences();
    console.log(`sequences: ${seq.join(',')}`);
    for (let i = 1; i < seq.length; i++) expect(seq[i]! - seq[i - 1]!).toBe(1);
    for (let i = 1; i < arrivals.length; i++)
      expect(arrivals[i]!.at - arrivals[i - 1]!.at, `gap before segment ${arrivals[i]!.seq}`).toBeLessThan(10_000);

    // Events, oldest first.
    const types = async (objectId: string) =>
      (
        await stack.api.call<{ data: { type: string; data: { reason?: string } }[] }>(
          'GET',
          `/v1/events?object_id=${objectId}&limit=100`,
        )
      ).data.reverse();
    expect((await types(cam2.id)).map((e) => e.type)).toEqual(['stream.input.connected', 'stream.input.disconnected']);
    const switches = (await types(stream.id)).filter((e) => e.type === 'stream.input_switched');
    expect(switches.map((e) => e.data.reason)).toEqual(['api', 'failover']);

    // The recording follows the program: camera 1, then camera 2, then camera 1 again.
    publishers[0]!.kill('SIGINT');
    const [past] = await until(
      'the recording ready',
      async () => {
        const all = await sessionsOf(stack.api, stream.id);
        return all[0]?.recording?.status === 'ready' ? all : null;
      },
      60_000,
    );
    const masterUrl = `${stack.worker.url}/hls/${pb}/${past!.recording!.playback_path}`;
    const [variant] = parseMaster((await fetchText(masterUrl)).text);
    const recUrl = new URL(variant!.uri, masterUrl).toString();
    const rec = (await fetchMedia(recUrl))!;
    const parts: boolean[] = [];
    for (const s of rec.segments) {
      const b = await blueAt(new URL(s.uri, recUrl).toString());
      if (parts.at(-1) !== b) parts.push(b);
    }
    expect(parts).toEqual([false, true, false]);
  }, 180_000);
});
