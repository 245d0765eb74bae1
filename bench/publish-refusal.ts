/**
 * The publish refusal on the wire (issue 15): on the `free` plan (one live stream), a second
 * publisher is refused at `on_publish`. How long does the refused encoder wait? Measured at the TCP
 * level by a relay between FFmpeg and NGINX-RTMP over the real chain (test-pattern FFmpeg ->
 * relay -> NGINX-RTMP -> on_publish -> agent -> `wrangler dev` -> the plan check -> 402 -> NGINX
 * drops the connection):
 *
 *   node bench/publish-refusal.ts [--runs 8] [--port 20660] [--rtmp-port 20661]
 *
 * Per refused publish: connect -> close (FFmpeg's TCP connect to NGINX closing it: what the
 * encoder sees), publish -> close (from the RTMP `publish` command, which is what makes NGINX ask
 * on_publish, to the close: the decision itself), and spawn -> exit (FFmpeg's own start-up
 * included). Each run's refusal is checked: the second stream never goes live, and each run leaves
 * its `stream.publish_refused` event.
 */
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createStream, fetchText, launchOrigin, until } from '../e2e/harness/live.ts';
import { startTestStack } from '../e2e/harness/stack.ts';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '8' },
    port: { type: 'string', default: '20660' },
    'rtmp-port': { type: 'string', default: '20661' },
    'relay-port': { type: 'string', default: '20662' },
  },
});
const RUNS = Number(values.runs);
const RTMP_PORT = Number(values['rtmp-port']);
const RELAY_PORT = Number(values['relay-port']);

interface Wire {
  connect: number;
  publish?: number;
  close?: number;
}
const wires: Wire[] = [];
// The AMF0 string "publish" as the client's command message carries it.
const PUBLISH = Buffer.from([0x02, 0x00, 0x07, ...Buffer.from('publish')]);

const relay = net.createServer((client) => {
  const w: Wire = { connect: performance.now() };
  wires.push(w);
  const upstream = net.connect(RTMP_PORT, '127.0.0.1');
  let tail = Buffer.alloc(0);
  client.on('data', (chunk: Buffer) => {
    if (w.publish === undefined) {
      tail = Buffer.concat([tail, chunk]).subarray(-4096);
      if (tail.includes(PUBLISH)) w.publish = performance.now();
    }
    upstream.write(chunk);
  });
  upstream.on('data', (chunk: Buffer) => client.write(chunk));
  const closed = () => {
    w.close ??= performance.now();
    client.destroy();
    upstream.destroy();
  };
  upstream.on('close', closed);
  upstream.on('error', closed);
  client.on('close', () => upstream.destroy());
  client.on('error', () => upstream.destroy());
});
await new Promise<void>((r) => relay.listen(RELAY_PORT, '127.0.0.1', () => r()));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};
const fmt = (xs: number[]) =>
  `p50 ${pct(xs, 50).toFixed(0)} ms, p90 ${pct(xs, 90).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;

const stack = await startTestStack({ port: Number(values.port) });
const origin = await launchOrigin({ originId: 'orig_local', workerUrl: stack.worker.url, rtmpPort: RTMP_PORT });
const publishers: ChildProcess[] = [];
try {
  const orgId = stack.demo.account.org_id;
  await stack.console.call('PUT', `/v1/orgs/${orgId}/subscription`, { plan: 'free' });
  const a = await createStream(stack.api, { name: 'first', ladder: ['240p'] });
  const b = await createStream(stack.api, { name: 'refused', ladder: ['240p'] });
  const master = (s: typeof a) => `${stack.worker.url}/hls/${s.playback_ids[0]!.id}.m3u8`;
  publishers.push(startTestPublisher(`${origin.rtmpUrl}/${a.stream_key}`, { size: '426x240' }));
  await until('first stream live', async () => (await fetchText(master(a))).status === 200, 60_000);

  const connectClose: number[] = [];
  const publishClose: number[] = [];
  const spawnExit: number[] = [];
  const load0 = loadavg()[0]!;
  for (let i = 0; i < RUNS; i++) {
    const before = wires.length;
    const t0 = performance.now();
    const p = startTestPublisher(`rtmp://127.0.0.1:${RELAY_PORT}/live/${b.stream_key}`, { size: '426x240' });
    publishers.push(p);
    await Promise.race([waitExit(p), new Promise((r) => setTimeout(r, 15_000))]);
    const exited = performance.now();
    if (p.exitCode === null && p.signalCode === null) throw new Error(`run ${i}: the refused publisher still runs`);
    await until('the relay saw the close', async () => wires[before]?.close !== undefined, 5_000);
    const w = wires[before]!;
    connectClose.push(w.close! - w.connect);
    if (w.publish !== undefined) publishClose.push(w.close! - w.publish);
    spawnExit.push(exited - t0);
  }
  if ((await fetchText(master(b))).status === 200) throw new Error('the refused stream went live');
  const events = await stack.api.call<{ data: { data: { id: string } }[] }>(
    'GET',
    `/v1/events?type=stream.publish_refused&limit=100`,
  );
  const refusedEvents = events.data.filter((e) => e.data.id === b.id).length;
  console.log(
    `publish refusal on free (1 live stream), ${RUNS} refused publishes, load average ${load0.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(`  connect -> close (what the encoder sees):  ${fmt(connectClose)}`);
  console.log(`  publish -> close (on_publish decision):    ${fmt(publishClose)} (${publishClose.length} seen)`);
  console.log(`  spawn -> exit (FFmpeg start-up included):  ${fmt(spawnExit)}`);
  console.log(`  stream.publish_refused events for the refused stream: ${refusedEvents} (expected ${RUNS})`);
} finally {
  for (const p of publishers) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  await Promise.all(publishers.map((p) => waitExit(p)));
  relay.close();
  await origin.cleanup();
  await stack.stop();
}
