/**
 * Video on demand timings (issue 14):
 *
 *   node bench/assets.ts [--seconds 60] [--size 1920x1080] [--ladder source]
 *
 * An `ffmpeg` test pattern publishes `seconds` of `size` at 30 fps to the real origin (NGINX-RTMP,
 * agent, FFmpeg) with the Worker under wrangler dev; the publisher stops by itself and the stream's
 * reconnect window is 0, so the session ends as soon as the origin says publish-done. Printed:
 *
 * - end → asset ready: from the publisher exiting to `GET /v1/assets` answering `ready` (the
 *   agent's last uploads, publish-done, the recording's playlists written, the D1 mirror);
 * - end → MP4 ready: to `mp4.status` = `ready` (the origin's media worker leases the job, copies
 *   the recording's segments from the Worker, remuxes with FFmpeg, uploads the MP4 to R2).
 *
 * Polled every 100 ms, so each figure is at most 100 ms late. The default ladder is the source
 * alone: two shared cores cannot transcode a 1080p ladder in real time, and the figures are about
 * what happens after the session, not the live transcode.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startLiveStack } from '../e2e/harness/live-stack.ts';
import { waitExit } from '../origin/test-support/publisher.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    size: { type: 'string', default: '1920x1080' },
    ladder: { type: 'string', default: 'source' },
  },
});

const live = await startLiveStack({ workerPort: 20410, rtmpPort: 20411, originHttpPort: 20412 });
try {
  const s = await live.createStream({
    ladder: values.ladder.split(','),
    recording: true,
    reconnect_window: 0,
    mp4_support: 'standard',
  });
  const publisher = live.publish(s.streamKey, {
    size: values.size,
    rate: 30,
    gopFrames: 60,
    seconds: Number(values.seconds),
  });
  await waitExit(publisher);
  const ended = performance.now();
  type A = { status: string; duration: number | null; mp4: { status: string; bytes: number | null } | null };
  let assetMs: number | null = null;
  let asset: A | null = null;
  const deadline = ended + 600_000;
  while (performance.now() < deadline) {
    asset = (await live.stack.api.call<{ data: A[] }>('GET', `/v1/assets?stream_id=${s.id}`)).data[0] ?? null;
    if (asset?.status === 'ready' && assetMs === null) assetMs = performance.now() - ended;
    if (asset?.mp4?.status === 'ready' || asset?.mp4?.status === 'errored' || asset?.status === 'errored') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const mp4Ms = asset?.mp4?.status === 'ready' ? performance.now() - ended : null;
  console.log(
    [
      `session: ${values.seconds} s of ${values.size} at 30 fps, ladder ${values.ladder}; recorded ${asset?.duration} s`,
      `end -> asset ready: ${assetMs?.toFixed(0)} ms`,
      `end -> MP4 ready:   ${mp4Ms?.toFixed(0) ?? `not ready (${asset?.mp4?.status})`} ms (${((asset?.mp4?.bytes ?? 0) / 1e6).toFixed(1)} MB)`,
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    ].join('\n'),
  );
} finally {
  await live.stop();
}
