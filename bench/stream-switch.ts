/**
 * Switch time: from `POST /v1/streams/{id}/switch` to the first segment of the new input listed in
 * the stream's own media playlist, over the real chain (two ffmpeg publishers with different
 * pictures -> NGINX-RTMP -> agent -> `wrangler dev`). The input a segment came from is told by its
 * first frame's colour (testsrc2 against solid blue), as a viewer would see it.
 *
 *   node bench/stream-switch.ts [--cuts 6] [--port 20030] [--rtmp-port 20031] [--latency standard|low]
 *
 * Origin timings are a deployment's defaults (the program is polled every 500 ms while several
 * inputs are connected, every input's ladder runs warm). The figure includes up to 300 ms of the
 * player's own polling. It prints the median and p95 (nearest rank) in seconds and in segments.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createStream, getStream, launchOrigin, PlaylistWatcher, sleep, until } from '../e2e/harness/live.ts';
import { firstFrameColour, isBlue } from '../e2e/harness/picture.ts';
import { startTestStack } from '../e2e/harness/stack.ts';
import { startTestPublisher } from '../origin/test-support/publisher.ts';

const { values } = parseArgs({
  options: {
    cuts: { type: 'string', default: '6' },
    port: { type: 'string', default: '20030' },
    'rtmp-port': { type: 'string', default: '20031' },
    latency: { type: 'string', default: 'standard' },
  },
});

const stack = await startTestStack({ port: Number(values.port) });
const origin = await launchOrigin({
  originId: 'orig_local',
  workerUrl: stack.worker.url,
  rtmpPort: Number(values['rtmp-port']),
  timings: {},
});
const pubs: ReturnType<typeof startTestPublisher>[] = [];
try {
  const stream = await createStream(stack.api, {
    name: 'bench switch',
    ladder: ['source', '360p'],
    latency_mode: values.latency,
  });
  const cam2 = await stack.api.call<{ id: string; stream_key: string }>('POST', `/v1/streams/${stream.id}/inputs`, {
    name: 'Camera 2',
  });
  const inputs = await stack.api.call<{ data: { id: string; primary: boolean }[] }>(
    'GET',
    `/v1/streams/${stream.id}/inputs`,
  );
  const primary = inputs.data.find((i) => i.primary)!.id;
  pubs.push(startTestPublisher(`${origin.rtmpUrl}/${stream.stream_key}`, { size: '854x480' }));
  const session = await until('live', async () => (await getStream(stack.api, stream.id)).current_session, 60_000);
  pubs.push(startTestPublisher(`${origin.rtmpUrl}/${cam2.stream_key}`, { size: '854x480', pattern: 'color=c=blue' }));
  await until(
    'camera 2 connected',
    async () =>
      (await stack.api.call<{ status: string }>('GET', `/v1/streams/${stream.id}/inputs/${cam2.id}`)).status ===
      'connected',
    60_000,
  );
  const media = `${stack.worker.url}/hls/${stream.playback_ids[0]!.id}/${session.id}/360p.m3u8`;
  const watcher = new PlaylistWatcher(media).start(300);
  await until('segments', () => watcher.maxSequence >= 2, 60_000);
  const blueOf = async (uri: string) =>
    isBlue(firstFrameColour(new Uint8Array(await (await fetch(new URL(uri, media))).arrayBuffer())));

  const times: number[] = [];
  const distances: number[] = [];
  for (let i = 0; i < Number(values.cuts); i++) {
    const toBlue = i % 2 === 0;
    await sleep(6000);
    await watcher.poll();
    const before = watcher.maxSequence;
    const asked = Date.now();
    await stack.api.call('POST', `/v1/streams/${stream.id}/switch`, { input_id: toBlue ? cam2.id : primary });
    const first = await until(
      'the new input in the playlist',
      async () => {
        for (const s of [...watcher.seen.values()].filter((x) => x.sequence > before))
          if ((await blueOf(s.uri)) === toBlue) return s;
        return null;
      },
      30_000,
      100,
    );
    times.push(Date.now() - asked);
    distances.push(first.sequence - before);
  }
  watcher.stop();
  const seg = values.latency === 'low' ? 1 : 2;
  // Nearest-rank percentiles: with a handful of cuts p95 is the slowest one.
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1]!;
  const s = (ms: number) => (ms / 1000).toFixed(1);
  console.log(`stream switch (${values.latency}: ${seg} s segments, ladder source+360p, 854x480 30 fps inputs)`);
  console.log(`  cuts: ${times.length}; request -> first new-input segment listed (s): ${times.map(s).join(', ')}`);
  console.log(
    `  seconds: median ${s(pct(times, 50))} s (${(pct(times, 50) / 1000 / seg).toFixed(1)} segments), p95 ${s(pct(times, 95))} s (${(pct(times, 95) / 1000 / seg).toFixed(1)} segments)`,
  );
  console.log(
    `  segments after the last one listed at the request: ${distances.join(', ')} (median ${pct(distances, 50)}, p95 ${pct(distances, 95)})`,
  );
  console.log(`  load average during the run: ${loadavg()[0]!.toFixed(1)} (2 cores)`);
} finally {
  for (const p of pubs) p.kill('SIGKILL');
  await origin.cleanup();
  await stack.stop();
}
