/**
 * Upload throughput through the tus endpoint into local R2 (issue 14):
 *
 *   node bench/uploads.ts [--mib 200] [--chunk-mib 50] [--runs 3]
 *
 * The Worker runs under wrangler dev with its own empty local state (R2 is Miniflare's, on
 * disk). tus-js-client (the same library a browser page uses, here under Node) sends `mib` MiB of
 * random bytes in `chunk-mib` PATCHes (Cloudflare caps a request body at 100 MB, so big files go
 * in chunks); each PATCH becomes R2 multipart parts of 5 MiB. Printed per run: the time from
 * creation to the last PATCH answered, and MiB/s; then the median. No transcode is waited for.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tus from 'tus-js-client';
import { startTestStack } from '../e2e/harness/stack.ts';

const { values } = parseArgs({
  options: {
    mib: { type: 'string', default: '200' },
    'chunk-mib': { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
  },
});
const MiB = 1024 * 1024;
const size = Number(values.mib) * MiB;
const chunkSize = Number(values['chunk-mib']) * MiB;
const data = randomBytes(size);

const stack = await startTestStack({ port: 20430 });
try {
  const rates: number[] = [];
  for (let run = 1; run <= Number(values.runs); run++) {
    const upload = await stack.api.call<{ id: string; url: string }>('POST', '/v1/uploads', {});
    const t0 = performance.now();
    const patches: number[] = [];
    let last = t0;
    await new Promise<void>((resolve, reject) => {
      const u = new tus.Upload(data, {
        endpoint: upload.url,
        chunkSize,
        uploadSize: size,
        metadata: { filename: `bench-${run}.bin`, filetype: 'video/mp4' },
        onChunkComplete: () => {
          const now = performance.now();
          patches.push(now - last);
          last = now;
        },
        onSuccess: () => resolve(),
        onError: reject,
      });
      u.start();
    });
    const s = (performance.now() - t0) / 1000;
    const rate = size / MiB / s;
    rates.push(rate);
    const state = await stack.api.call<{ status: string; offset: number }>('GET', `/v1/uploads/${upload.id}`);
    console.log(
      `run ${run}: ${values.mib} MiB in ${s.toFixed(2)} s = ${rate.toFixed(1)} MiB/s ` +
        `(PATCHes of ${values['chunk-mib']} MiB: ${patches.map((p) => (p / 1000).toFixed(2)).join(', ')} s; ` +
        `upload ${state.status}, offset ${state.offset === size ? 'complete' : state.offset})`,
    );
  }
  rates.sort((a, b) => a - b);
  console.log(`median: ${rates[Math.floor(rates.length / 2)]!.toFixed(1)} MiB/s`);
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await stack.stop();
}
