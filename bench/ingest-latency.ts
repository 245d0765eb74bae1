/**
 * Ingest latency: from FFmpeg closing a segment on the origin to that segment being listed in the
 * media playlist the Worker serves, over the real chain (test-pattern publisher -> NGINX-RTMP ->
 * agent -> `wrangler dev` -> R2 + Durable Object), for the `standard` and `low` latency modes.
 *
 *   node bench/ingest-latency.ts [--seconds 60] [--port 8992] [--rtmp-port 19388]
 *
 * "Closed" is the segment file's mtime: FFmpeg (hls_flags temp_file) writes `<n>.ts.tmp` and
 * renames it when the segment is complete, so the last write is the close. The benchmark reads
 * each rendition's work directory every 20 ms to see every file before the agent deletes it after
 * upload. "Listed" is the first time a player polling the served playlist every 50 ms sees it, so
 * the figures include up to 50 ms of polling (25 ms on average); they also include the agent's own
 * 200 ms playlist scan, which is part of the real path.
 */
import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createStream, fetchMedia, getStream, launchOrigin, sleep, until } from '../e2e/harness/live.ts';
import { startTestStack } from '../e2e/harness/stack.ts';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    port: { type: 'string', default: '8992' },
    'rtmp-port': { type: 'string', default: '19388' },
  },
});
const seconds = Number(values.seconds);
const ladder = ['source', '360p', '240p'];
const inputSize = '854x480';

async function sessionOf(streamId: string): Promise<string | undefined> {
  const r = await stack.api.call<{ data: { id: string }[] }>('GET', `/v1/streams/${streamId}/sessions?limit=1`);
  return r.data[0]?.id;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const stack = await startTestStack({ port: Number(values.port) });
const origin = await launchOrigin({
  originId: 'orig_local',
  workerUrl: stack.worker.url,
  rtmpPort: Number(values['rtmp-port']),
  // The defaults a deployment runs with (status every 3 s, thumbnails every 5 s).
  timings: {},
});
// Where the time goes: when the agent first hands a segment to the Worker, and when the Worker
// answered the upload that stored it (the wrapper only reads the clock; the call is unchanged).
const uploadStart = new Map<string, number>();
const uploadDone = new Map<string, number>();
const client = origin.agent.client;
const putSegment = client.putSegment.bind(client);
client.putSegment = async (u) => {
  const key = `${u.sessionId}/${u.rendition}/${u.sequence}`;
  if (!uploadStart.has(key)) uploadStart.set(key, Date.now());
  const status = await putSegment(u);
  uploadDone.set(key, Date.now());
  return status;
};
console.log(
  `ingest latency: segment closed by FFmpeg -> listed in the Worker's playlist; ${inputSize} test pattern, ladder ${ladder.join('/')}, ${seconds} s per mode`,
);
try {
  for (const mode of ['standard', 'low'] as const) {
    const load0 = loadavg()[0]!;
    const stream = await createStream(stack.api, {
      name: `bench ${mode}`,
      latency_mode: mode,
      ladder,
      reconnect_window: 0,
    });
    const pb = stream.playback_ids[0]!.id;
    const pub = startTestPublisher(`${origin.rtmpUrl}/${stream.stream_key}`, {
      size: inputSize,
      // Keyframes at the segment length of the mode, as an encoder set up for it would send.
      gopFrames: mode === 'low' ? 30 : 60,
    });
    const closedAt = new Map<string, number>();
    const listedAt = new Map<string, number>();
    try {
      const sessionId = await until(
        'a live session',
        async () => (await getStream(stack.api, stream.id)).current_session?.id,
        60_000,
      );
      const workDir = path.join(origin.runtimeDir, 'work', stream.id, sessionId);
      const watchFiles = setInterval(() => {
        for (const r of ladder) {
          let files: string[];
          try {
            files = readdirSync(path.join(workDir, r));
          } catch {
            continue;
          }
          for (const f of files) {
            const m = /^(\d+)\.ts$/.exec(f);
            const key = m && `${r}/${m[1]}`;
            if (!key || closedAt.has(key)) continue;
            try {
              closedAt.set(key, statSync(path.join(workDir, r, f)).mtimeMs);
            } catch {
              // uploaded and deleted between readdir and stat: the file was seen too late to time it
            }
          }
        }
      }, 20);
      let polling = false;
      const pollPlaylists = setInterval(() => {
        if (polling) return;
        polling = true;
        void Promise.all(
          ladder.map(async (r) => {
            const p = await fetchMedia(`${stack.worker.url}/hls/${pb}/${sessionId}/${r}.m3u8`).catch(() => null);
            const now = Date.now();
            for (const s of p?.segments ?? [])
              if (!listedAt.has(`${r}/${s.sequence}`)) listedAt.set(`${r}/${s.sequence}`, now);
          }),
        ).finally(() => (polling = false));
      }, 50);
      await sleep(seconds * 1000);
      clearInterval(watchFiles);
      clearInterval(pollPlaylists);
    } finally {
      pub.kill('SIGINT');
      await waitExit(pub);
    }
    await until('the publication to end', () => origin.agent.publications().length === 0, 60_000);

    const sessionId = (await sessionOf(stream.id))!;
    const all: number[] = [];
    const picked: number[] = [];
    const stored: number[] = [];
    const perRung: string[] = [];
    for (const [k, t] of closedAt) {
      const start = uploadStart.get(`${sessionId}/${k}`);
      const done = uploadDone.get(`${sessionId}/${k}`);
      if (start === undefined || done === undefined || !listedAt.has(k)) continue;
      picked.push(start - t);
      stored.push(done - start);
    }
    picked.sort((a, b) => a - b);
    stored.sort((a, b) => a - b);
    for (const r of ladder) {
      const ms = [...closedAt.entries()]
        .filter(([k]) => k.startsWith(`${r}/`) && listedAt.has(k))
        .map(([k, t]) => listedAt.get(k)! - t)
        .sort((a, b) => a - b);
      all.push(...ms);
      perRung.push(`${r} p50 ${percentile(ms, 50).toFixed(0)} p95 ${percentile(ms, 95).toFixed(0)} (n=${ms.length})`);
    }
    all.sort((a, b) => a - b);
    const untimed = [...listedAt.keys()].filter((k) => !closedAt.has(k)).length;
    console.log(
      `  ${mode.padEnd(8)} p50 ${percentile(all, 50).toFixed(0)} ms, p95 ${percentile(all, 95).toFixed(0)} ms, max ${all.at(-1)?.toFixed(0)} ms over ${all.length} segments (${untimed} listed but not timed); load average ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log(`           ${perRung.join('; ')}`);
    console.log(
      `           of which: closed -> agent uploads p50 ${percentile(picked, 50).toFixed(0)} p95 ${percentile(picked, 95).toFixed(0)} ms; upload until the Worker answered p50 ${percentile(stored, 50).toFixed(0)} p95 ${percentile(stored, 95).toFixed(0)} ms`,
    );
  }
} finally {
  await origin.cleanup();
  await stack.stop();
}
