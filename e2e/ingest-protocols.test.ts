/**
 * Ingest beyond plain RTMP, for real: an `ffmpeg` publisher over RTMPS (TLS terminated by NGINX's
 * stream module in front of NGINX-RTMP) and over SRT (the origin's one SRT listener), into the
 * same agent, ladder and Worker (`wrangler dev`) as RTMP, and HLS as a player fetches it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import {
  createStream,
  fetchMedia,
  fetchText,
  getStream,
  launchOrigin,
  parseMaster,
  r2ObjectFiles,
  sessionsOf,
  until,
} from './harness/live.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

// Ports of this file (issue 12's range 20500-20599): wrangler dev 20500, RTMP 20501, RTMPS 20502, SRT 20503/udp.
const WORKER_PORT = 20500;
const RTMP_PORT = 20501;
const RTMPS_PORT = 20502;
const SRT_PORT = 20503;

let stack: TestStack;
let origin: Awaited<ReturnType<typeof launchOrigin>>;
const children: ReturnType<typeof startTestPublisher>[] = [];

function publish(url: string, size = '320x240') {
  const pub = startTestPublisher(url, { size, format: url.startsWith('srt:') ? 'mpegts' : 'flv' });
  children.push(pub);
  return pub;
}

beforeAll(async () => {
  stack = await startTestStack({ port: WORKER_PORT });
  origin = await launchOrigin({
    originId: 'orig_local',
    workerUrl: stack.worker.url,
    rtmpPort: RTMP_PORT,
    rtmps: { port: RTMPS_PORT },
    srt: { port: SRT_PORT },
  });
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await origin?.cleanup();
  await stack?.stop();
});

const hls = (path: string) => `${stack.worker.url}/hls/${path}`;

/** Waits for the stream's first media playlist with two segments; returns its session id. */
async function playsFrom(stream: { id: string; playback_ids: { id: string }[] }): Promise<string> {
  const pb = stream.playback_ids[0]!.id;
  const master = await until(
    'a master playlist',
    async () => {
      const r = await fetchText(hls(`${pb}.m3u8`));
      return r.status === 200 && parseMaster(r.text).length > 0 ? parseMaster(r.text) : null;
    },
    45_000,
  );
  const media = await until(
    'two segments listed',
    async () => {
      const p = await fetchMedia(hls(master[0]!.uri));
      return p && p.segments.length >= 2 ? p : null;
    },
    45_000,
  );
  const seg = await fetch(new URL(media.segments[0]!.uri, hls(master[0]!.uri)));
  expect(seg.status).toBe(200);
  expect((await seg.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  const live = await getStream(stack.api, stream.id);
  expect(live.status).toBe('active');
  return live.current_session!.id;
}

/** A publisher for a key nobody has: dropped (non-zero exit) within a second, nothing written. */
async function refusedWithinASecond(url: string) {
  const r2Before = r2ObjectFiles(stack.worker.persistTo);
  const started = Date.now();
  const pub = publish(url);
  await Promise.race([waitExit(pub), new Promise((r) => setTimeout(r, 5000))]);
  const elapsed = Date.now() - started;
  pub.kill('SIGKILL');
  expect(pub.exitCode, 'the publisher exited').not.toBeNull();
  expect(pub.exitCode, 'the publisher was refused').not.toBe(0);
  expect(elapsed).toBeLessThan(1000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(origin.agent.publications()).toHaveLength(0);
  expect(r2ObjectFiles(stack.worker.persistTo)).toBe(r2Before);
}

describe('RTMPS ingest (NGINX stream module, TLS in front of RTMP)', () => {
  it('publishes over rtmps:// with the self-signed local certificate, and plays', async () => {
    expect(origin.rtmpsUrl).toBe(`rtmps://127.0.0.1:${RTMPS_PORT}/live`);
    const stream = await createStream(stack.api, { name: 'e2e rtmps', ladder: ['source'], reconnect_window: 0 });
    // The origin registered with its heartbeat: the API hands out all three of its ingest URLs.
    const answer = await until(
      'ingest URLs in the stream answer',
      async () => (await getStream(stack.api, stream.id)).ingest,
    );
    expect(answer).toEqual({
      origin_id: 'orig_local',
      rtmp: origin.rtmpUrl,
      rtmps: origin.rtmpsUrl,
      srt: origin.srtUrl,
    });
    const pub = publish(`${origin.rtmpsUrl}/${stream.stream_key}`);
    try {
      await playsFrom(stream);
    } finally {
      pub.kill('SIGINT');
      await waitExit(pub);
    }
    await until('idle', async () => (await getStream(stack.api, stream.id)).status === 'idle', 30_000);
    expect((await sessionsOf(stack.api, stream.id)).map((s) => s.status)).toEqual(['ended']);
  });

  it('refuses a bad key over RTMPS within a second', async () => {
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 30_000);
    await refusedWithinASecond(`${origin.rtmpsUrl}/lsk_${'x'.repeat(40)}`);
  });

  it('does not speak plain RTMP on the TLS port', async () => {
    const pub = publish(`rtmp://127.0.0.1:${RTMPS_PORT}/live/lsk_${'y'.repeat(40)}`);
    await Promise.race([waitExit(pub), new Promise((r) => setTimeout(r, 15_000))]);
    pub.kill('SIGKILL');
    expect(pub.exitCode).not.toBe(0);
    expect(origin.agent.publications()).toHaveLength(0);
  });
});

describe('SRT ingest (one listener for every publisher)', () => {
  const srt = (streamId: string) => `${origin.srtUrl}?streamid=${streamId}`;

  it('publishes with streamid=<key>, plays, and a publisher that drops and returns (#!:: form) continues the session', async () => {
    expect(origin.srtUrl).toBe(`srt://127.0.0.1:${SRT_PORT}`);
    const stream = await createStream(stack.api, { name: 'e2e srt', ladder: ['source', '240p'], reconnect_window: 30 });
    let pub = publish(srt(stream.stream_key));
    const sessionId = await playsFrom(stream);
    const pb = stream.playback_ids[0]!.id;

    // The encoder's link dies (no SRT shutdown sent): the listener notices the silence, the
    // session waits in `reconnecting`.
    const droppedAt = Date.now();
    pub.kill('SIGKILL');
    await until('reconnecting', async () => (await getStream(stack.api, stream.id)).status === 'reconnecting', 15_000);
    expect(Date.now() - droppedAt).toBeLessThan(10_000);
    const before = (await fetchMedia(hls(`${pb}/${sessionId}/source.m3u8`)))!;
    const lastBefore = before.segments.at(-1)!.sequence;

    // Back, as OBS and vMix write the Stream ID (percent-encoded in the URL).
    pub = publish(srt(encodeURIComponent(`#!::r=${stream.stream_key},m=publish`)));
    try {
      const after = await until(
        'segments after the return',
        async () => {
          const p = await fetchMedia(hls(`${pb}/${sessionId}/source.m3u8`));
          return p && p.segments.at(-1)!.sequence >= lastBefore + 2 ? p : null;
        },
        45_000,
      );
      const live = await getStream(stack.api, stream.id);
      expect(live.status).toBe('active');
      expect(live.current_session!.id).toBe(sessionId);
      expect(live.current_session!.reconnects).toBe(1);
      // Numbering continues; the return is marked for the player.
      const seqs = after.segments.map((x) => x.sequence);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
      expect(after.segments.some((x) => x.discontinuity)).toBe(true);
      expect(live.current_session!.input).toMatchObject({ video_codec: 'h264', width: 320, height: 240 });
    } finally {
      pub.kill('SIGINT');
      await waitExit(pub);
    }
    await until(
      'idle after the window',
      async () => (await getStream(stack.api, stream.id)).status !== 'active',
      30_000,
    );
  });

  it('refuses a bad key in the handshake within a second, and a caller that asks to play', async () => {
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 30_000);
    await refusedWithinASecond(srt(`lsk_${'x'.repeat(40)}`));
    await refusedWithinASecond(srt(encodeURIComponent(`#!::r=lsk_${'x'.repeat(40)},m=publish`)));
    const stream = await createStream(stack.api, { name: 'e2e srt play', ladder: ['source'] });
    await refusedWithinASecond(srt(encodeURIComponent(`#!::r=${stream.stream_key},m=request`)));
    expect((await getStream(stack.api, stream.id)).status).toBe('idle');
  });
});
