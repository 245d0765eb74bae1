/**
 * The whole live chain for real: an `ffmpeg` test-pattern publisher -> NGINX-RTMP -> the origin
 * agent and its FFmpeg ladder -> the Worker under `wrangler dev` -> R2 and the stream's Durable
 * Object -> HLS as a player fetches it, and the stream's state through the public API.
 * Faults (outage, reconnects, FFmpeg crash) are in streams-faults.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import {
  type ApiStream,
  createStream,
  fetchMedia,
  fetchText,
  getStream,
  launchOrigin,
  parseMaster,
  probeBytes,
  r2ObjectFiles,
  sessionsOf,
  until,
} from './harness/live.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

// Ports of this file: wrangler dev 8990, RTMP 19380 and 19381.
const WORKER_PORT = 8990;

let stack: TestStack;
let origin: Awaited<ReturnType<typeof launchOrigin>>;
const children: ReturnType<typeof startTestPublisher>[] = [];

function publish(url: string, size: string) {
  const pub = startTestPublisher(url, { size });
  children.push(pub);
  return pub;
}

beforeAll(async () => {
  stack = await startTestStack({ port: WORKER_PORT });
  origin = await launchOrigin({ originId: 'orig_local', workerUrl: stack.worker.url, rtmpPort: 19380 });
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await origin?.cleanup();
  await stack?.stop();
});

const hls = (path: string) => `${stack.worker.url}/hls/${path}`;

describe('live streams end to end (wrangler dev, NGINX-RTMP, agent, FFmpeg)', () => {
  it('publishes the default ladder: master lists every rung, playlists advance, segments probe right, the API follows', async () => {
    const stream = await createStream(stack.api, { name: 'e2e ladder', reconnect_window: 5 });
    expect(stream.ladder).toEqual(['source', '720p', '480p', '360p']);
    const pb = stream.playback_ids[0]!.id;
    const pub = publish(`${origin.rtmpUrl}/${stream.stream_key}`, '1280x720');
    try {
      // What each rung must really be: no 720p encode beside the copied 720p source (the source is
      // that picture already), nothing upscaled.
      const sizes: Record<string, string> = {
        source: '1280x720',
        '480p': '854x480',
        '360p': '640x360',
      };
      // Players keep the first master they get: it must already list every rung.
      let firstMaster: string[] | null = null;
      const master = await until(
        'a master playlist with every rung measured',
        async () => {
          const r = await fetchText(hls(`${pb}.m3u8`));
          if (r.status !== 200) return null;
          const v = parseMaster(r.text);
          firstMaster ??= v.map((x) => x.uri.split('/').at(-1)!);
          return v.length === 3 && v.every((x) => x.attrs.RESOLUTION && x.attrs.CODECS) ? v : null;
        },
        60_000,
      );
      expect(firstMaster).toEqual(['source.m3u8', '480p.m3u8', '360p.m3u8']);
      const live = await getStream(stack.api, stream.id);
      const sessionId = live.current_session!.id;
      expect(master.map((v) => v.uri)).toEqual(['source', '480p', '360p'].map((r) => `${pb}/${sessionId}/${r}.m3u8`));
      for (const v of master) {
        const rung = v.uri.split('/').at(-1)!.replace('.m3u8', '');
        expect(v.attrs.RESOLUTION, rung).toBe(sizes[rung]);
        expect(v.attrs.CODECS, rung).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
        expect(v.attrs['FRAME-RATE'], rung).toBe('30.000');
        expect(Number(v.attrs.BANDWIDTH), rung).toBeGreaterThan(100_000);
      }
      // The copied source carries the publisher's ~2.6 Mb/s; the encoded rungs step down.
      const bw = master.map((v) => Number(v.attrs.BANDWIDTH));
      expect(bw[1]!).toBeGreaterThan(bw[2]!);

      // Every media playlist advances: two more segments listed while we watch (all rungs at once).
      const rungOf = (v: { uri: string }) => v.uri.split('/').at(-1)!.replace('.m3u8', '');
      const firsts = await Promise.all(
        master.map((v) => until(`${rungOf(v)} media playlist`, () => fetchMedia(hls(v.uri)))),
      );
      const laters = await until(
        'every playlist to advance',
        async () => {
          const ps = await Promise.all(master.map((v) => fetchMedia(hls(v.uri))));
          return ps.every((p, i) => p && p.segments.at(-1)!.sequence >= firsts[i]!.segments.at(-1)!.sequence + 2)
            ? ps
            : null;
        },
        40_000,
        500,
      );
      for (const [i, v] of master.entries()) {
        const rung = rungOf(v);
        const url = hls(v.uri);
        const [first, later] = [firsts[i]!, laters[i]!];
        expect(first.ended).toBe(false);
        expect(later.ended).toBe(false);
        expect(first.targetDuration).toBeGreaterThanOrEqual(2);
        expect(later.mediaSequence).toBeGreaterThanOrEqual(first.mediaSequence);
        for (const s of later.segments) {
          expect(s.pdt, rung).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
          expect(s.durationS, rung).toBeGreaterThan(1);
          expect(s.durationS, rung).toBeLessThanOrEqual(4);
        }
        // Contiguous numbering, no discontinuity in a clean publish.
        const seqs = later.segments.map((s) => s.sequence);
        expect(seqs, rung).toEqual(seqs.map((_, j) => seqs[0]! + j));
        expect(
          later.segments.some((s) => s.discontinuity),
          rung,
        ).toBe(false);

        // A segment as a player downloads it (relative URI, served from R2) is what the rung claims.
        const seg = later.segments.at(-1)!;
        const res = await fetch(new URL(seg.uri, url));
        expect(res.status, rung).toBe(200);
        expect(res.headers.get('content-type')).toBe('video/mp2t');
        const [video, audio] = probeBytes(new Uint8Array(await res.arrayBuffer()));
        expect(video, rung).toMatchObject({ codec_type: 'video', codec_name: 'h264' });
        expect(`${video!.width}x${video!.height}`, rung).toBe(sizes[rung]);
        expect(audio, rung).toMatchObject({ codec_type: 'audio', codec_name: 'aac' });
      }
      // The refusal test counts R2's object files; they must be where it looks.
      expect(r2ObjectFiles(stack.worker.persistTo)).toBeGreaterThan(8);

      // Status and session through the API: who serves it and what the publisher sends.
      const withInput = await until('the input report', async () => {
        const s = await getStream(stack.api, stream.id);
        return s.current_session?.input ? s : null;
      });
      expect(withInput.status).toBe('active');
      expect(withInput.current_session).toMatchObject({
        id: sessionId,
        status: 'active',
        origin_id: 'orig_local',
        reconnects: 0,
        ended_at: null,
        input: { video_codec: 'h264', audio_codec: 'aac', width: 1280, height: 720, frame_rate: 30 },
      });
      // The publisher asks x264 for 2500k video and 128k audio; the encoder announces both.
      expect(withInput.current_session!.input!.bitrate_kbps).toBeGreaterThanOrEqual(2000);
      expect(withInput.current_session!.input!.bitrate_kbps).toBeLessThanOrEqual(3500);
      expect(Date.parse(withInput.current_session!.started_at)).toBeLessThanOrEqual(Date.now());

      // The publisher stops: reconnecting for the 5 s window, then the session is in the past.
      pub.kill('SIGINT');
      await waitExit(pub);
      await until(
        'reconnecting',
        async () => (await getStream(stack.api, stream.id)).status === 'reconnecting',
        40_000,
      );
      const idle = await until(
        'idle after the window',
        async () => {
          const s = await getStream(stack.api, stream.id);
          return s.status === 'idle' ? s : null;
        },
        30_000,
      );
      expect(idle.current_session).toBeNull();
      const past = await sessionsOf(stack.api, stream.id);
      expect(past).toHaveLength(1);
      expect(past[0]).toMatchObject({ id: sessionId, status: 'ended', origin_id: 'orig_local' });
      expect(Date.parse(past[0]!.ended_at!)).toBeGreaterThan(Date.parse(past[0]!.started_at));
      expect(past[0]!.input).toMatchObject({ width: 1280, height: 720 });
      // A player still on the old playlist learns it is over; a new viewer learns nothing is live.
      expect((await fetchMedia(hls(master[2]!.uri)))!.ended).toBe(true);
      expect((await fetchText(hls(`${pb}.m3u8`))).status).toBe(412);
    } finally {
      pub.kill('SIGKILL');
    }
  });

  it('plays the recording in full right after the session ends; segments are dated when they were published', async () => {
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 60_000);
    // Low latency: 1 s segments and a 30-segment live window, which the recording must outgrow.
    const stream = await createStream(stack.api, {
      name: 'e2e recording',
      ladder: ['source'],
      latency_mode: 'low',
      recording: true,
      reconnect_window: 0,
    });
    const pb = stream.playback_ids[0]!.id;
    const pub = publish(`${origin.rtmpUrl}/${stream.stream_key}`, '320x240');
    try {
      const sessionId = await until(
        'a session',
        async () => (await getStream(stack.api, stream.id)).current_session?.id,
      );
      // Read the live playlist as a player does, noting when each segment was first listed.
      const listedAt = new Map<number, { at: number; pdt: string | null; durationS: number }>();
      const live = hls(`${pb}/${sessionId}/source.m3u8`);
      await until(
        'more segments than the live window holds',
        async () => {
          const p = await fetchMedia(live);
          const at = Date.now();
          for (const seg of p?.segments ?? []) {
            if (!listedAt.has(seg.sequence)) listedAt.set(seg.sequence, { at, pdt: seg.pdt, durationS: seg.durationS });
          }
          return listedAt.size >= 34;
        },
        90_000,
        200,
      );
      // Causality: no segment is listed before its last frame was published (a program date time
      // stamped late by FFmpeg's probe broke this by seconds), nor absurdly long after.
      for (const [seq, s] of listedAt) {
        const lastFrameAt = Date.parse(s.pdt!) + s.durationS * 1000;
        expect(s.at - lastFrameAt, `segment ${seq}`).toBeGreaterThan(-300);
        expect(s.at - lastFrameAt, `segment ${seq}`).toBeLessThan(8000);
      }
      pub.kill('SIGINT');
      await waitExit(pub);
      const idleAt = await until(
        'idle',
        async () => ((await getStream(stack.api, stream.id)).status === 'idle' ? Date.now() : null),
        30_000,
      );
      const [past] = await until('the recording ready', async () => {
        const all = await sessionsOf(stack.api, stream.id);
        return all[0]?.recording?.status === 'ready' ? all : null;
      });
      expect(Date.now() - idleAt).toBeLessThan(5000);
      expect(past!.recording).toMatchObject({ renditions: ['source'], playback_path: `recordings/${sessionId}.m3u8` });

      // The live URL keeps its window and ends it; the recording lists every segment, as VOD.
      const ended = (await fetchMedia(live))!;
      expect(ended.ended).toBe(true);
      expect(ended.vod).toBe(false);
      expect(ended.segments.length).toBeLessThanOrEqual(30);
      const masterUrl = hls(`${pb}/${past!.recording!.playback_path}`);
      const master = await fetchText(masterUrl);
      expect(master.status, master.text).toBe(200);
      const [variant] = parseMaster(master.text);
      const mediaUrl = new URL(variant!.uri, masterUrl).toString();
      expect(mediaUrl).toBe(hls(`${pb}/recordings/${sessionId}/source.m3u8`));
      const rec = (await fetchMedia(mediaUrl))!;
      expect(rec.vod).toBe(true);
      expect(rec.ended).toBe(true);
      const seqs = rec.segments.map((x) => x.sequence);
      expect(seqs[0]).toBe(0);
      expect(seqs).toEqual(seqs.map((_, i) => i));
      expect(seqs.length).toBeGreaterThan(ended.segments.length);
      expect(seqs.at(-1)).toBe(ended.segments.at(-1)!.sequence);
      // Its first segment (long gone from the live window) plays from the recording's own URL.
      const first = await fetch(new URL(rec.segments[0]!.uri, mediaUrl));
      expect(first.status).toBe(200);
      const [video] = probeBytes(new Uint8Array(await first.arrayBuffer()));
      expect(video).toMatchObject({ codec_type: 'video', width: 320, height: 240 });
    } finally {
      pub.kill('SIGKILL');
    }
  });

  it('refuses an unknown, a disabled and a deleted stream key within a second, writing nothing', async () => {
    await until('earlier publications to end', () => origin.agent.publications().length === 0, 60_000);
    const disabled = await createStream(stack.api, { name: 'e2e disabled' });
    await stack.api.call('POST', `/v1/streams/${disabled.id}/disable`);
    const deleted = await createStream(stack.api, { name: 'e2e deleted' });
    await stack.api.call('DELETE', `/v1/streams/${deleted.id}`);
    const cases: [string, string][] = [
      ['unknown', `lsk_${'x'.repeat(40)}`],
      ['disabled', disabled.stream_key],
      ['deleted', deleted.stream_key],
    ];
    for (const [what, key] of cases) {
      const r2Before = r2ObjectFiles(stack.worker.persistTo);
      const started = Date.now();
      const pub = publish(`${origin.rtmpUrl}/${key}`, '320x240');
      await Promise.race([waitExit(pub), new Promise((r) => setTimeout(r, 5000))]);
      const elapsed = Date.now() - started;
      pub.kill('SIGKILL');
      expect(pub.exitCode, `${what}: the publisher was dropped`).not.toBe(0);
      expect(pub.exitCode, `${what}: the publisher exited`).not.toBeNull();
      expect(elapsed, what).toBeLessThan(1000);
      // Give a wrongly accepted pipeline time to write something before looking.
      await new Promise((r) => setTimeout(r, 1500));
      expect(origin.agent.publications(), what).toHaveLength(0);
      expect(r2ObjectFiles(stack.worker.persistTo), `${what}: R2 objects`).toBe(r2Before);
    }
    // No session was opened for either stream; the disabled one still exists and says so.
    const d = await getStream(stack.api, disabled.id);
    expect(d.status).toBe('disabled');
    expect(d.current_session).toBeNull();
    expect(await sessionsOf(stack.api, disabled.id)).toHaveLength(0);
    expect((await fetchText(hls(`${disabled.playback_ids[0]!.id}.m3u8`))).status).toBe(412);
    expect((await stack.api.request('GET', `/v1/streams/${deleted.id}`)).status).toBe(404);
    expect((await fetchText(hls(`${deleted.playback_ids[0]!.id}.m3u8`))).status).toBe(404);
  });

  it('drops a live publisher when its stream is disabled, and ends the session', async () => {
    const stream = await createStream(stack.api, { name: 'e2e disable live', ladder: ['source'] });
    const pub = publish(`${origin.rtmpUrl}/${stream.stream_key}`, '320x240');
    try {
      await until('live with a segment', async () => {
        const r = await fetchText(hls(`${stream.playback_ids[0]!.id}.m3u8`));
        return r.status === 200;
      });
      const started = Date.now();
      const after = await stack.api.call<ApiStream>('POST', `/v1/streams/${stream.id}/disable`);
      expect(after.status).toBe('disabled');
      await Promise.race([waitExit(pub), new Promise((r) => setTimeout(r, 10_000))]);
      expect(pub.exitCode ?? pub.signalCode, 'publisher dropped').not.toBeNull();
      // The agent polls the status every second here (every 3 s by default) or hears 409 on its next upload.
      expect(Date.now() - started).toBeLessThan(5000);
      const past = await sessionsOf(stack.api, stream.id);
      expect(past.map((s) => s.status)).toEqual(['ended']);
      expect((await fetchText(hls(`${stream.playback_ids[0]!.id}.m3u8`))).status).toBe(412);
    } finally {
      pub.kill('SIGKILL');
    }
  });

  it('serves one control plane from two origins, and a session moves to the other origin on reconnect', async () => {
    const second = await launchOrigin({ originId: 'orig_local2', workerUrl: stack.worker.url, rtmpPort: 19381 });
    try {
      const a = await createStream(stack.api, { name: 'e2e on A', ladder: ['source', '240p'] });
      const b = await createStream(stack.api, { name: 'e2e on B', ladder: ['source', '240p'], reconnect_window: 30 });
      const pubA = publish(`${origin.rtmpUrl}/${a.stream_key}`, '426x240');
      let pubB = publish(`${second.rtmpUrl}/${b.stream_key}`, '426x240');
      const mediaOf = async (s: ApiStream, rung: string) => {
        const live = await getStream(stack.api, s.id);
        if (!live.current_session) return null;
        return fetchMedia(hls(`${s.playback_ids[0]!.id}/${live.current_session.id}/${rung}.m3u8`));
      };
      await until(
        'segments through both origins',
        async () =>
          ((await mediaOf(a, 'source'))?.segments.length ?? 0) >= 2 &&
          ((await mediaOf(b, 'source'))?.segments.length ?? 0) >= 2,
        60_000,
      );
      const [liveA, liveB] = [await getStream(stack.api, a.id), await getStream(stack.api, b.id)];
      expect(liveA.current_session).toMatchObject({ status: 'active', origin_id: 'orig_local' });
      expect(liveB.current_session).toMatchObject({ status: 'active', origin_id: 'orig_local2' });
      expect(origin.agent.publications().map((p) => p.streamId)).toEqual([a.id]);
      expect(second.agent.publications().map((p) => p.streamId)).toEqual([b.id]);

      // B's encoder drops and comes back through the other origin within the window: the same
      // session continues there, numbered after what the first origin uploaded.
      pubB.kill('SIGKILL');
      await waitExit(pubB);
      await until('B reconnecting', async () => (await getStream(stack.api, b.id)).status === 'reconnecting', 40_000);
      const before = (await mediaOf(b, 'source'))!;
      const lastBefore = before.segments.at(-1)!.sequence;
      pubB = publish(`${origin.rtmpUrl}/${b.stream_key}`, '426x240');
      const after = await until(
        'B segments through the first origin',
        async () => {
          const p = await mediaOf(b, 'source');
          return p && p.segments.at(-1)!.sequence >= lastBefore + 2 ? p : null;
        },
        60_000,
      );
      const moved = await getStream(stack.api, b.id);
      expect(moved.current_session).toMatchObject({
        id: liveB.current_session!.id,
        status: 'active',
        origin_id: 'orig_local',
        reconnects: 1,
      });
      const firstNew = after.segments.find((s) => s.sequence > lastBefore)!;
      expect(firstNew.discontinuity).toBe(true);
      expect(await sessionsOf(stack.api, b.id)).toHaveLength(1);
      pubA.kill('SIGKILL');
      pubB.kill('SIGKILL');
    } finally {
      await second.cleanup();
    }
  });
});
