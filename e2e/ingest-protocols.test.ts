/**
 * Ingest beyond plain RTMP, for real: an `ffmpeg` publisher over RTMPS (TLS terminated by NGINX's
 * stream module in front of NGINX-RTMP) and over SRT (the origin's one SRT listener), into the
 * same agent, ladder and Worker (`wrangler dev`) as RTMP, and HLS as a player fetches it.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import { publishWhip } from '../origin/test-support/whip-publisher.ts';
import {
  createStream,
  devOriginSecrets,
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

// Ports of this file (issue 12's range 20500-20599): wrangler dev 20500, RTMP 20501, RTMPS 20502, SRT 20503/udp,
// the second (killed) origin's RTMP 20504, a timing relay in front of RTMPS 20505, one in front of SRT 20506/udp.
const WORKER_PORT = 20500;
const RTMP_PORT = 20501;
const RTMPS_PORT = 20502;
const SRT_PORT = 20503;
const SECOND_RTMP_PORT = 20504;
const RTMPS_RELAY_PORT = 20505;
const SRT_RELAY_PORT = 20506;
// WHIP's HTTP endpoint and its ICE ports (UDP), from the WHIP range 21800-21899.
const WHIP_PORT = 21800;
const WHIP_ICE_PORTS: [number, number] = [21810, 21849];

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
    whip: { port: WHIP_PORT, icePortRange: WHIP_ICE_PORTS },
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

/**
 * A publisher for a key nobody has: dropped (non-zero exit) within a second, nothing written.
 * `connectionMs` is how long the origin held the publisher's connection, measured on the wire by
 * a relay (TCP for RTMPS, UDP for SRT); without it the clock runs from spawning the publisher.
 */
async function refusedWithinASecond(url: string, connectionMs?: () => number | null) {
  const r2Before = r2ObjectFiles(stack.worker.persistTo);
  const started = Date.now();
  const pub = publish(url);
  await Promise.race([waitExit(pub), new Promise((r) => setTimeout(r, 5000))]);
  const elapsed = connectionMs ? connectionMs() : Date.now() - started;
  pub.kill('SIGKILL');
  expect(pub.exitCode, 'the publisher exited').not.toBeNull();
  expect(pub.exitCode, 'the publisher was refused').not.toBe(0);
  expect(elapsed).not.toBeNull();
  expect(elapsed).toBeLessThan(1000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(origin.agent.publications()).toHaveLength(0);
  expect(r2ObjectFiles(stack.worker.persistTo)).toBe(r2Before);
}

/**
 * A UDP relay in front of the SRT listener that times a refusal on the wire: from the caller's
 * first packet to the listener's last answer (the handshake rejection).
 */
async function srtTimingRelay(port: number, upstreamPort: number) {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  let caller: { address: string; port: number } | null = null;
  let firstIn = 0;
  let lastOut = 0;
  front.on('message', (msg, rinfo) => {
    caller = { address: rinfo.address, port: rinfo.port };
    firstIn ||= Date.now();
    back.send(msg, upstreamPort, '127.0.0.1');
  });
  back.on('message', (msg) => {
    lastOut = Date.now();
    if (caller) front.send(msg, caller.port, caller.address);
  });
  await Promise.all([
    new Promise<void>((r) => front.bind(port, '127.0.0.1', () => r())),
    new Promise<void>((r) => back.bind(0, '127.0.0.1', () => r())),
  ]);
  return {
    reset() {
      firstIn = 0;
      lastOut = 0;
    },
    heldMs: () => (firstIn && lastOut ? lastOut - firstIn : null),
    close() {
      front.close();
      back.close();
    },
  };
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
      whip: origin.whipUrl,
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
    // Spawning ffmpeg, starting x264 and the TLS handshake take most of a second on a busy
    // machine, so the refusal is timed on the wire: a TCP relay in front of the RTMPS port notes
    // when the publisher's connection opened and when the origin closed it.
    let opened = 0;
    let closedAfter: number | null = null;
    const relay = net.createServer((client) => {
      opened = Date.now();
      const upstream = net.connect(RTMPS_PORT, '127.0.0.1');
      client.pipe(upstream).pipe(client);
      const done = () => {
        closedAfter ??= Date.now() - opened;
        client.destroy();
        upstream.destroy();
      };
      for (const s of [client, upstream]) s.on('close', done).on('error', done);
    });
    await new Promise<void>((r) => relay.listen(RTMPS_RELAY_PORT, '127.0.0.1', () => r()));
    try {
      await refusedWithinASecond(`rtmps://127.0.0.1:${RTMPS_RELAY_PORT}/live/lsk_${'x'.repeat(40)}`, () => closedAfter);
    } finally {
      relay.close();
    }
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
    // Timed on the wire like RTMPS (spawning ffmpeg and x264 is most of a second on a busy
    // machine): a UDP relay notes the caller's first packet and the listener's last answer.
    const relay = await srtTimingRelay(SRT_RELAY_PORT, SRT_PORT);
    const viaRelay = (streamId: string) => `srt://127.0.0.1:${SRT_RELAY_PORT}?streamid=${streamId}`;
    const stream = await createStream(stack.api, { name: 'e2e srt play', ladder: ['source'] });
    try {
      for (const id of [`lsk_${'x'.repeat(40)}`, encodeURIComponent(`#!::r=lsk_${'x'.repeat(40)},m=publish`)]) {
        relay.reset();
        await refusedWithinASecond(viaRelay(id), relay.heldMs);
      }
      relay.reset();
      await refusedWithinASecond(viaRelay(encodeURIComponent(`#!::r=${stream.stream_key},m=request`)), relay.heldMs);
    } finally {
      relay.close();
    }
    expect((await getStream(stack.api, stream.id)).status).toBe('idle');
  });
});

describe('WHIP ingest (WebRTC with werift, OBS 30+ style)', () => {
  it('publishes H.264 + Opus with the key as Bearer token, plays, and a DELETE on the Location ends it', async () => {
    expect(origin.whipUrl).toBe(`http://127.0.0.1:${WHIP_PORT}/whip/endpoint`);
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 30_000);
    const stream = await createStream(stack.api, { name: 'e2e whip', ladder: ['source'], reconnect_window: 0 });
    const pub = await publishWhip(origin.whipUrl!, stream.stream_key);
    try {
      expect(pub.status, JSON.stringify(pub.error)).toBe(201);
      expect(pub.location).toMatch(new RegExp(`^http://127.0.0.1:${WHIP_PORT}/whip/sessions/`));
      await playsFrom(stream);
      // Video copied as sent, Opus transcoded to AAC on the way into NGINX-RTMP.
      const live = await getStream(stack.api, stream.id);
      expect(live.current_session!.input).toMatchObject({
        video_codec: 'h264',
        audio_codec: 'aac',
        width: 320,
        height: 240,
      });
    } finally {
      expect(await pub.stop()).toBe(200);
    }
    await until('idle', async () => (await getStream(stack.api, stream.id)).status === 'idle', 30_000);
    expect((await sessionsOf(stack.api, stream.id)).map((s) => s.status)).toEqual(['ended']);
  });

  it('refuses a bad or missing key within a second with 401, starting nothing', async () => {
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 30_000);
    const r2Before = r2ObjectFiles(stack.worker.persistTo);
    for (const token of [`lsk_${'x'.repeat(40)}`, null]) {
      const pub = await publishWhip(origin.whipUrl!, token);
      expect(pub.status).toBe(401);
      expect(pub.error).toMatchObject({ error: { code: token ? 'invalid_stream_key' : 'unauthorized' } });
      // From the POST to the refusal: one Worker publish call, nothing negotiated.
      expect(pub.answeredMs).toBeLessThan(1000);
    }
    expect(origin.agent.publications()).toHaveLength(0);
    expect(r2ObjectFiles(stack.worker.persistTo)).toBe(r2Before);
  });
});

describe('origins as a fleet', () => {
  it('a killed origin is marked down within 15 s of its last heartbeat and its stream goes reconnecting', async () => {
    // A second origin as its own process tree (node agent, NGINX, FFmpeg), killed like a machine dying.
    const runtimeDir = mkdtempSync(path.join(tmpdir(), 'edgelive-orig_local2-'));
    const child = spawn(
      process.execPath,
      [
        'origin/src/main.ts',
        '--origin-id',
        'orig_local2',
        '--worker-url',
        stack.worker.url,
        '--rtmp-host',
        '127.0.0.1',
        '--rtmp-port',
        String(SECOND_RTMP_PORT),
        '--http-port',
        '0',
        '--runtime-dir',
        runtimeDir,
      ],
      {
        detached: true,
        stdio: 'ignore',
        env: { ...process.env, EDGELIVE_ORIGIN_SECRET: devOriginSecrets().orig_local2 },
      },
    );
    const killTree = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    try {
      const status = async () =>
        (await stack.api.call<{ components: { name: string; status: string }[] }>('GET', '/v1/status')).components.find(
          (c) => c.name === 'origin:orig_local2',
        )?.status;
      await until('orig_local2 registered', async () => (await status()) === 'operational', 30_000);
      const stream = await createStream(stack.api, { name: 'e2e fleet', ladder: ['source'], reconnect_window: 60 });
      const pub = publish(`rtmp://127.0.0.1:${SECOND_RTMP_PORT}/live/${stream.stream_key}`);
      await until(
        'live on orig_local2',
        async () => (await getStream(stack.api, stream.id)).current_session?.origin_id === 'orig_local2',
        30_000,
      );
      expect((await getStream(stack.api, stream.id)).ingest?.origin_id).toBe('orig_local2');

      const killedAt = Date.now();
      killTree();
      await waitExit(pub);
      const downAfter = await until(
        'orig_local2 down',
        async () => ((await status()) === 'down' ? Date.now() - killedAt : null),
        30_000,
        500,
      );
      const reconnectingAfter = await until(
        'the stream reconnecting',
        async () => ((await getStream(stack.api, stream.id)).status === 'reconnecting' ? Date.now() - killedAt : null),
        30_000,
        500,
      );
      // Its last heartbeat was at most 5 s before the kill: down 15 s after it, the stream at once after.
      expect(downAfter).toBeLessThan(16_500);
      expect(reconnectingAfter).toBeLessThan(20_000);
      console.log(`killed origin: down after ${downAfter} ms, stream reconnecting after ${reconnectingAfter} ms`);
      // Publishers are now sent to the origin that is up.
      expect((await getStream(stack.api, stream.id)).ingest?.origin_id).toBe('orig_local');
    } finally {
      killTree();
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });
});
