import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import type { Logger } from '../../origin/src/log.ts';
import { type RunningOrigin, startOrigin } from '../../origin/src/origin.ts';
import type { PublicationTimings } from '../../origin/src/publication.ts';
import { startTestPublisher, waitExit } from '../../origin/test-support/publisher.ts';
import { startTestStack, type TestStack } from './stack.ts';

/**
 * Everything between a camera and a browser, for real: wrangler dev (the Worker), NGINX-RTMP with
 * the agent and FFmpeg (the origin), an `ffmpeg` test-pattern publisher, and Debian's Chromium
 * driven by playwright-core. Used by e2e/playback.test.ts and bench/glass-to-glass.ts.
 */

/** The development origin (scripts/lib/local-secrets.ts). */
const ORIGIN = { id: 'orig_local', secret: 'dev-only-origin-secret-local-0123456789abcdef' };

export interface LiveStack {
  stack: TestStack;
  origin: RunningOrigin;
  /** Creates a stream with a signed playback id; returns what a viewer needs. */
  createStream(body: Record<string, unknown>): Promise<LiveStreamInfo>;
  /** A test pattern into the origin (killed by stop() if still running). */
  publish(
    streamKey: string,
    opts?: { size?: string; rate?: number; gopFrames?: number; seconds?: number; videoKbps?: number },
  ): ChildProcess;
  /** A viewer token for a playback id, as the customer's backend would mint it. */
  token(playbackId: string, aud: 'v' | 't' | 'd', ttlS?: number): Promise<string>;
  /** A chat token for a user of the demo app's rooms. */
  chatToken(userId: string): Promise<string>;
  /** Polls until the master playlist lists `variants` renditions (each has a segment). */
  waitForMaster(playbackId: string, token: string, variants: number, timeoutMs?: number): Promise<string>;
  browser(): Promise<BrowserContext>;
  stop(): Promise<void>;
}

export interface LiveStreamInfo {
  id: string;
  streamKey: string;
  playbackId: string;
  /** The stream's chat room. */
  roomId: string;
}

/** Flags for Debian's Chromium with no network side traffic; never a downloaded browser. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export async function startLiveStack(opts: {
  workerPort: number;
  rtmpPort: number;
  originHttpPort: number;
  /** The origin's timings beyond the defaults (e.g. faster health samples). */
  timings?: Partial<PublicationTimings>;
  /** The origin's log lines (a bench reads when the agent accepted a publish); silent by default. */
  log?: Logger;
}): Promise<LiveStack> {
  const stack = await startTestStack({ port: opts.workerPort });
  const runtimeDir = mkdtempSync(path.join(tmpdir(), 'edgelive-origin-'));
  const dirs = [runtimeDir];
  const children: ChildProcess[] = [];
  const contexts: (BrowserContext | Browser)[] = [];
  let origin: RunningOrigin;
  try {
    origin = await startOrigin({
      originId: ORIGIN.id,
      secret: ORIGIN.secret,
      workerUrl: stack.worker.url,
      rtmpPort: opts.rtmpPort,
      httpPort: opts.originHttpPort,
      runtimeDir,
      log: opts.log ?? (process.env.EDGELIVE_TEST_LOGS ? undefined : () => undefined),
      timings: { thumbnailIntervalS: 2, ...opts.timings },
    });
  } catch (err) {
    await stack.stop();
    throw err;
  }
  const signingKey = importPKCS8(stack.demo.signing_key.private_key, 'RS256');

  return {
    stack,
    origin,
    async createStream(body) {
      const s = await stack.api.call<{
        id: string;
        stream_key: string;
        playback_ids: { id: string; policy: string }[];
        room_id: string;
      }>('POST', '/v1/streams', { playback_policies: ['signed'], ...body });
      return { id: s.id, streamKey: s.stream_key, playbackId: s.playback_ids[0]!.id, roomId: s.room_id };
    },
    publish(streamKey, p = {}) {
      const child = startTestPublisher(`${origin.rtmpUrl}/${streamKey}`, {
        size: '640x360',
        rate: 30,
        gopFrames: 30,
        ...p,
      });
      children.push(child);
      return child;
    },
    async token(playbackId, aud, ttlS = 3600) {
      return new SignJWT({ sub: playbackId, aud })
        .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlS)
        .sign(await signingKey);
    },
    async chatToken(userId) {
      return new SignJWT({ sub: userId, aud: 'chat', name: userId })
        .setProtectedHeader({ alg: 'RS256', kid: stack.demo.signing_key.id })
        .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
        .sign(await signingKey);
    },
    async waitForMaster(playbackId, token, variants, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        const res = await fetch(`${stack.worker.url}/hls/${playbackId}.m3u8?token=${token}`);
        last = `${res.status} ${await res.text()}`;
        const text = last.slice(4);
        if (res.status === 200 && text.split('#EXT-X-STREAM-INF').length - 1 >= variants) return text;
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`the master playlist never listed ${variants} renditions: ${last}`);
    },
    async browser() {
      const dir = mkdtempSync(path.join(tmpdir(), 'edgelive-chromium-'));
      dirs.push(dir);
      const ctx = await chromium.launchPersistentContext(dir, {
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: CHROMIUM_ARGS,
      });
      contexts.push(ctx);
      return ctx;
    },
    async stop() {
      for (const c of contexts) await c.close().catch(() => undefined);
      for (const c of children) {
        c.kill('SIGKILL');
        await waitExit(c);
      }
      await origin.stop().catch(() => undefined);
      await stack.stop();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
