import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/worker-process.ts';
import { type LiveStack, startLiveStack } from './harness/live-stack.ts';
import { probe, waitFor } from './harness/player-probe.ts';

/**
 * examples/node-backend run the way its README says, against the real stack: @edgelive/node is
 * built, the example backend (its own Node process) signs the viewer's playback and chat tokens, and
 * in Chromium its page plays a published test pattern through the embed and its chat box connects
 * and shows a message sent from it. Nothing of the example is imported here; only its HTTP face.
 */
const EXAMPLE_PORT = 20813;
let live: LiveStack;
let example: ChildProcess | undefined;
let exampleLog = '';

beforeAll(async () => {
  // What the README's first command does: the example resolves @edgelive/node to its dist/.
  execFileSync('npm', ['run', 'build', '-w', '@edgelive/node'], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
  live = await startLiveStack({ workerPort: 20810, rtmpPort: 20811, originHttpPort: 20812 });
});
afterAll(async () => {
  if (example && example.exitCode === null) {
    example.kill('SIGTERM');
    await once(example, 'exit');
  }
  await live?.stop();
});

describe('examples/node-backend', () => {
  it('signs tokens with @edgelive/node; its page plays the stream in the embed and its chat delivers', async () => {
    const s = await live.createStream({ name: 'example app', ladder: ['source'], latency_mode: 'low' });
    live.publish(s.streamKey, { size: '320x180', seconds: 90 });

    example = spawn(process.execPath, [join(ROOT, 'examples/node-backend/server.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(EXAMPLE_PORT),
        EDGELIVE_API_URL: live.stack.worker.url,
        EDGELIVE_SIGNING_KEY_ID: live.stack.demo.signing_key.id,
        EDGELIVE_SIGNING_KEY: live.stack.demo.signing_key.private_key,
        PLAYBACK_ID: s.playbackId,
        ROOM_ID: s.roomId,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    example.stdout?.on('data', (d) => (exampleLog += d));
    example.stderr?.on('data', (d) => (exampleLog += d));
    const base = `http://127.0.0.1:${EXAMPLE_PORT}`;
    await waitFor(
      `the example backend (${exampleLog})`,
      () =>
        fetch(`${base}/api/tokens`)
          .then((r) => r.ok)
          .catch(() => false),
      20_000,
    );

    // The tokens it hands out are the Worker's to judge: the playback token admits the master
    // playlist of this signed playback id (401 without it).
    const tokens = (await (await fetch(`${base}/api/tokens?user=ada`)).json()) as { playback: string; chat: string };
    expect((await fetch(`${live.stack.worker.url}/hls/${s.playbackId}.m3u8`)).status).toBe(401);
    await live.waitForMaster(s.playbackId, tokens.playback, 1);

    const page = await (await live.browser()).newPage();
    await page.goto(`${base}/?user=ada`);
    await page.locator('#status', { hasText: 'connected' }).waitFor({ timeout: 20_000 });
    await page.fill('#text', 'hello from the example');
    await page.click('#send button');
    await page.locator('#log .msg', { hasText: 'ada: hello from the example' }).waitFor({ timeout: 10_000 });

    // The embed is a cross-origin iframe (the Worker's /embed page); its player is probed inside it.
    const frame = await waitFor(
      'the embed frame',
      async () => page.frames().find((f) => f.url().includes(`/embed/${s.playbackId}`)),
      10_000,
    );
    const playing = await waitFor(
      'the embed to play',
      async () => {
        const p = await probe(frame).catch(() => null);
        return p && p.currentTime > 1 && p.videoHeight === 180 ? p : null;
      },
      40_000,
    );
    expect(playing.fatalErrors).toBe(0);
    expect(playing.error).toBeNull();

    mkdirSync(join(ROOT, 'e2e/screenshots'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'e2e/screenshots/example-app.png') });
  }, 110_000);
});
