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

// Ports of this file (issue 12's range 20500-20599): wrangler dev 20500, RTMP 20501, RTMPS 20502.
const WORKER_PORT = 20500;
const RTMP_PORT = 20501;
const RTMPS_PORT = 20502;

let stack: TestStack;
let origin: Awaited<ReturnType<typeof launchOrigin>>;
const children: ReturnType<typeof startTestPublisher>[] = [];

function publish(url: string, size = '320x240') {
  const pub = startTestPublisher(url, { size });
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
