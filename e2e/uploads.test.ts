import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRunner } from '../origin/src/media-jobs/job-runner.ts';
import { startMediaJobs } from '../origin/src/media-jobs/start.ts';
import { waitFor } from './harness/player-probe.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

/**
 * Issue 14, for real: a page on another origin uploads a generated MP4 from Debian's Chromium
 * with tus-js-client straight to the Worker's tus endpoint (wrangler dev, local R2 multipart).
 * One PATCH is dropped on the wire (tus-js-client retries: HEAD, then PATCH from the offset it
 * hears) and the upload is aborted half way and resumed by a new tus.Upload from the URL it kept
 * in localStorage. A media worker running the agent's code transcodes it; the asset plays to its
 * end in the embed player, and its MP4 (mp4_support) downloads, probes and answers byte ranges.
 */
const WORKER_PORT = 20420;
const PAGE_PORT = 20423;
const PAGE = `http://127.0.0.1:${PAGE_PORT}`;
const ORIGIN = { originId: 'orig_local', secret: 'dev-only-origin-secret-local-0123456789abcdef' };
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

let stack: TestStack;
let jobs: JobRunner;
let server: Server;
let ctx: BrowserContext;
const scratch = mkdtempSync(path.join(tmpdir(), 'edgelive-uploads-e2e-'));
const file = path.join(scratch, 'upload.mp4');

beforeAll(async () => {
  // About 12 MB: three 5 MiB parts' worth, so parts, the tail and the last part are all crossed.
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=330'],
    // Noise so the encoder cannot squeeze it below the three parts it must span.
    ...['-t', '8', '-vf', 'noise=alls=20:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ...['-b:v', '12M', '-maxrate', '12M', '-bufsize', '4M'],
    ...['-c:a', 'aac', '-shortest', file],
  ]);
  const tus = readFileSync(path.join(import.meta.dirname, '../node_modules/tus-js-client/dist/tus.min.js'));
  server = createServer((req, res) => {
    if (req.url === '/tus.min.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(tus);
    if (req.url === '/upload.mp4') return res.writeHead(200, { 'content-type': 'video/mp4' }).end(readFileSync(file));
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/tus.min.js"></script>');
  });
  await new Promise<void>((r) => server.listen(PAGE_PORT, '127.0.0.1', r));
  stack = await startTestStack({ port: WORKER_PORT });
  jobs = startMediaJobs({ workerUrl: stack.worker.url, ...ORIGIN }, scratch, () => undefined);
  ctx = await chromium.launchPersistentContext(path.join(scratch, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}, 180_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await jobs?.stop();
  await stack?.stop();
  await new Promise((r) => server?.close(r));
  rmSync(scratch, { recursive: true, force: true });
});

interface UploadBody {
  id: string;
  url: string;
  status: string;
  offset: number;
  length: number | null;
  asset_id: string | null;
}
interface AssetBody {
  id: string;
  status: string;
  duration: number | null;
  resolution: string | null;
  renditions: string[];
  error: { reason: string } | null;
  playback_ids: { id: string; policy: string }[];
  mp4: { status: string; rendition: string | null; bytes: number | null; path: string | null } | null;
}

describe('a direct upload from a browser', () => {
  it('is interrupted, resumed, becomes a ready asset, and plays', async () => {
    const size = statSync(file).size;
    const upload = await stack.api.call<UploadBody>('POST', '/v1/uploads', {
      cors_origin: PAGE,
      new_asset_settings: { ladder: ['360p', '240p'], playback_policies: ['public'], mp4_support: 'standard' },
    });
    const page = await ctx.newPage();
    const wire: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(upload.url) && r.method() !== 'OPTIONS')
        wire.push(`${r.method()} ${r.headers()['upload-offset'] ?? ''}`.trim());
    });
    // The second PATCH never reaches the Worker: the connection is reset under it.
    let patches = 0;
    await page.route(`${upload.url}`, (route) => {
      if (route.request().method() === 'PATCH' && ++patches === 2) return route.abort('connectionreset');
      return route.continue();
    });
    await page.goto(PAGE);

    const first = await page.evaluate(
      async ({ endpoint }) => {
        type Tus = typeof import('tus-js-client');
        const tus = (window as unknown as { tus: Tus }).tus;
        const blob = await (await fetch('/upload.mp4')).blob();
        // A fixed lastModified: tus-js-client's fingerprint (name, type, size, date, endpoint) finds it again.
        const f = new File([blob], 'upload.mp4', { type: 'video/mp4', lastModified: 1 });
        // Aborted once two parts are in: the page "closes" mid-upload.
        return new Promise<{ accepted: number; url: string | null }>((resolve, reject) => {
          const u = new tus.Upload(f, {
            endpoint,
            chunkSize: 5 * 1024 * 1024,
            retryDelays: [0, 300, 1000],
            metadata: { filename: f.name, filetype: f.type },
            onChunkComplete: (_chunk, accepted) => {
              if (accepted >= 10 * 1024 * 1024) {
                void u.abort().then(() => resolve({ accepted, url: u.url }));
              }
            },
            onError: reject,
            onSuccess: () => reject(new Error('finished before it could be interrupted')),
          });
          u.start();
        });
      },
      { endpoint: upload.url },
    );
    expect(first.accepted).toBe(10 * 1024 * 1024);
    expect(first.url).toBe(upload.url);
    const half = await stack.api.call<UploadBody>('GET', `/v1/uploads/${upload.id}`);
    expect(half).toMatchObject({ status: 'uploading', offset: 10 * 1024 * 1024, length: size });

    // A new Upload finds the one it kept in localStorage and resumes it (HEAD, then PATCH from there).
    const resumed = await page.evaluate(
      async ({ endpoint }) => {
        type Tus = typeof import('tus-js-client');
        const tus = (window as unknown as { tus: Tus }).tus;
        const blob = await (await fetch('/upload.mp4')).blob();
        const f = new File([blob], 'upload.mp4', { type: 'video/mp4', lastModified: 1 });
        return new Promise<{ previous: number; url: string | null }>((resolve, reject) => {
          const u = new tus.Upload(f, {
            endpoint,
            chunkSize: 5 * 1024 * 1024,
            metadata: { filename: f.name, filetype: f.type },
            onError: reject,
            onSuccess: () => resolve({ previous: n, url: u.url }),
          });
          let n = 0;
          void u.findPreviousUploads().then((previous) => {
            n = previous.length;
            if (previous[0]) u.resumeFromPreviousUpload(previous[0]);
            u.start();
          });
        });
      },
      { endpoint: upload.url },
    );
    expect(resumed).toEqual({ previous: 1, url: upload.url });

    // On the wire: creation, two parts with one dropped and retried after a HEAD, then the resume.
    const mib = 5 * 1024 * 1024;
    expect(wire).toEqual(['POST', 'PATCH 0', `PATCH ${mib}`, 'HEAD', `PATCH ${mib}`, 'HEAD', `PATCH ${2 * mib}`]);

    const done = await stack.api.call<UploadBody>('GET', `/v1/uploads/${upload.id}`);
    expect(done).toMatchObject({ status: 'asset_created', offset: size });
    const asset = await waitFor(
      'the uploaded asset to be ready',
      async () => {
        const a = await stack.api.call<AssetBody>('GET', `/v1/assets/${done.asset_id}`);
        if (a.status === 'errored') throw new Error(`asset errored: ${a.error?.reason}`);
        return a.status === 'ready' ? a : null;
      },
      120_000,
    );
    expect(asset).toMatchObject({ resolution: '640x360', renditions: ['360p', '240p'] });
    expect(Math.abs((asset.duration ?? 0) - 8)).toBeLessThan(0.2);

    const player = await ctx.newPage();
    const failed: string[] = [];
    player.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await player.goto(`${stack.worker.url}/embed/${asset.playback_ids[0]!.id}`);
    const end = await waitFor(
      'the upload to play to its end',
      async () => {
        const v = await player.evaluate(() => {
          const e = (window as unknown as { edgelive?: { video: HTMLVideoElement } }).edgelive;
          return e ? { ended: e.video.ended, t: e.video.currentTime, w: e.video.videoWidth } : null;
        });
        return v?.ended ? v : null;
      },
      60_000,
    );
    expect(end.t).toBeGreaterThan(7.5);
    expect(end.w).toBeGreaterThan(0);
    mkdirSync(path.join(import.meta.dirname, 'screenshots'), { recursive: true });
    await player.screenshot({ path: path.join(import.meta.dirname, 'screenshots', 'uploads-01-upload-played.png') });
    expect(failed).toEqual([]);

    // mp4_support: the media worker makes the MP4 of the transcoded ladder's highest rung once the
    // asset is ready; it downloads through the Worker and probes with the asset's duration.
    const withMp4 = await waitFor(
      "the upload's MP4 to be ready",
      async () => {
        const a = await stack.api.call<AssetBody>('GET', `/v1/assets/${asset.id}`);
        if (a.mp4?.status === 'errored') throw new Error('the MP4 errored');
        return a.mp4?.status === 'ready' ? a : null;
      },
      90_000,
    );
    expect(withMp4.mp4!.rendition).toBe('360p');
    const url = `${stack.worker.url}/downloads/${asset.playback_ids[0]!.id}/${withMp4.mp4!.path}`;
    const dl = await fetch(url);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('video/mp4');
    const bytes = new Uint8Array(await dl.arrayBuffer());
    expect(bytes.byteLength).toBe(withMp4.mp4!.bytes);
    const mp4 = path.join(scratch, 'download.mp4');
    writeFileSync(mp4, bytes);
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,width,height', '-of', 'json', mp4],
        { encoding: 'utf8' },
      ),
    ) as { format: { duration: string }; streams: { codec_name: string; width?: number; height?: number }[] };
    expect(Math.abs(Number(probe.format.duration) - asset.duration!)).toBeLessThan(0.3);
    expect(probe.streams.find((x) => x.codec_name === 'h264')).toMatchObject({ width: 640, height: 360 });
    expect(probe.streams.map((x) => x.codec_name)).toContain('aac');
    const part = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(1000, 2000));
  });

  it('a URL on 127.0.0.1 is fetched by the media worker and becomes a ready asset; a page that is not video errors', async () => {
    const created = await stack.api.call<AssetBody>('POST', '/v1/assets', {
      input: `${PAGE}/upload.mp4`,
      ladder: ['240p'],
    });
    expect(created.status).toBe('preparing');
    const notVideo = await stack.api.call<AssetBody>('POST', '/v1/assets', { input: `${PAGE}/index.html` });
    const settled = (id: string) =>
      waitFor(
        `asset ${id} to settle`,
        async () => {
          const a = await stack.api.call<AssetBody>('GET', `/v1/assets/${id}`);
          return a.status === 'preparing' ? null : a;
        },
        120_000,
      );
    const asset = await settled(created.id);
    expect(asset).toMatchObject({ status: 'ready', renditions: ['240p'], resolution: '426x240' });
    // What a player gets: the master through the Worker, probed by FFmpeg from its URL.
    const master = `${stack.worker.url}/hls/${asset.playback_ids[0]!.id}.m3u8`;
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,height', '-of', 'json', master],
        {
          encoding: 'utf8',
        },
      ),
    ) as { format: { duration: string }; streams: { codec_name: string; height?: number }[] };
    expect(Math.abs(Number(probe.format.duration) - 8)).toBeLessThan(0.3);
    expect(probe.streams.find((x) => x.codec_name === 'h264')?.height).toBe(240);
    const bad = await settled(notVideo.id);
    expect(bad.status).toBe('errored');
    expect(bad.error?.reason).toMatch(/^not_video: /);
  });
});
