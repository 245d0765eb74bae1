import { describe, expect, it } from 'vitest';
import { call, tenant } from '../test/helpers';
import { createStream, fakeSegment, originCall, publish, sessionPath, uploadSegment } from '../test/origin';

/**
 * LL-HLS in `low` mode (issue 12), through the Worker and the stream object in workerd: parts
 * listed as they are committed, blocking reloads answered by the commit that satisfies them,
 * refusals for requests too far ahead, the end of the session, delta updates and preload hints.
 */
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

async function lowStream(opts: { encryption?: boolean } = {}) {
  const t = await tenant();
  const s = await createStream(t.key.token, {
    playback_policies: ['public'],
    latency_mode: 'low',
    ladder: ['720p', '360p'],
    reconnect_window: 0,
    ...opts,
  });
  const sessionId = (await publish(s.stream_key)).json.session_id as string;
  const pb = s.playback_ids[0]!.id;
  return { s, sessionId, pb, url: (r: string) => `/hls/${pb}/${sessionId}/${r}.m3u8` };
}

function uploadPart(
  streamId: string,
  sessionId: string,
  rendition: string,
  sequence: number,
  part: number,
  opts: { discontinuity?: boolean } = {},
) {
  const q = new URLSearchParams({ duration: '0.333', independent: part === 0 ? '1' : '0' });
  if (opts.discontinuity) q.set('discontinuity', '1');
  const path = `${sessionPath(streamId, sessionId)}/renditions/${rendition}/segments/${sequence}/parts/${part}?${q}`;
  return originCall(path, { method: 'PUT', raw: fakeSegment(`${rendition}-${sequence}.${part}`) });
}

/** A whole 1 s segment the way the origin sends it: its three parts, then the segment. */
async function segmentWithParts(streamId: string, sessionId: string, rendition: string, sequence: number) {
  for (let p = 0; p < 3; p++) expect((await uploadPart(streamId, sessionId, rendition, sequence, p)).status).toBe(201);
  const pdt = new Date(T0 + sequence * 1000);
  expect((await uploadSegment(streamId, sessionId, rendition, sequence, { duration: 1, pdt })).status).toBe(201);
}

const lines = (text: string) => text.trim().split('\n');

describe('LL-HLS playlists', () => {
  it('lists parts, the open segment, a preload hint and the other rendition, field by field', async () => {
    const { s, sessionId, url } = await lowStream();
    await segmentWithParts(s.id, sessionId, '720p', 0);
    await segmentWithParts(s.id, sessionId, '720p', 1);
    await uploadPart(s.id, sessionId, '720p', 2, 0);
    await uploadPart(s.id, sessionId, '720p', 2, 1);
    await segmentWithParts(s.id, sessionId, '360p', 0);
    await uploadPart(s.id, sessionId, '360p', 1, 0);

    const res = await call(url('720p'));
    expect(res.status).toBe(200);
    expect(lines(res.text)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:6',
      '#EXT-X-TARGETDURATION:1',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.000,PART-HOLD-BACK=0.999',
      '#EXT-X-PART-INF:PART-TARGET=0.333',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:00.000Z',
      '#EXT-X-PART:DURATION=0.333,URI="720p/0.0.ts",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.333,URI="720p/0.1.ts"',
      '#EXT-X-PART:DURATION=0.333,URI="720p/0.2.ts"',
      '#EXTINF:1.000,',
      '720p/0.ts',
      '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:01.000Z',
      '#EXT-X-PART:DURATION=0.333,URI="720p/1.0.ts",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.333,URI="720p/1.1.ts"',
      '#EXT-X-PART:DURATION=0.333,URI="720p/1.2.ts"',
      '#EXTINF:1.000,',
      '720p/1.ts',
      '#EXT-X-PART:DURATION=0.333,URI="720p/2.0.ts",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.333,URI="720p/2.1.ts"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="720p/2.2.ts"',
      '#EXT-X-RENDITION-REPORT:URI="360p.m3u8",LAST-MSN=1,LAST-PART=0',
    ]);
    // A part is served like a segment: immutable, from R2.
    const part = await call(`/hls/${s.playback_ids[0]!.id}/${sessionId}/720p/2.1.ts`);
    expect(part.status).toBe(200);
    expect(part.headers.get('cache-control')).toContain('immutable');
    expect(part.text).toContain('720p-2.1');
  });

  it('lists the parts of an AES-128 session, each under its segment key line and IV', async () => {
    const { s, sessionId, url } = await lowStream({ encryption: true });
    await segmentWithParts(s.id, sessionId, '720p', 0);
    const iv = (n: number) => `IV=0x${n.toString(16).padStart(32, '0')}`;
    // Between segments: the hinted part is the next segment's, so its key line comes first.
    const between = lines((await call(url('720p'))).text);
    expect(between.slice(-2)).toEqual([
      `#EXT-X-KEY:METHOD=AES-128,URI="aes.key",${iv(1)}`,
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="720p/1.0.ts"',
    ]);
    await uploadPart(s.id, sessionId, '720p', 1, 0);
    await uploadPart(s.id, sessionId, '720p', 1, 1);
    const res = await call(url('720p'));
    expect(res.status).toBe(200);
    expect(lines(res.text).slice(5)).toEqual([
      '#EXT-X-MEDIA-SEQUENCE:0',
      `#EXT-X-KEY:METHOD=AES-128,URI="aes.key",${iv(0)}`,
      '#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:00.000Z',
      '#EXT-X-PART:DURATION=0.333,URI="720p/0.0.ts",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.333,URI="720p/0.1.ts"',
      '#EXT-X-PART:DURATION=0.333,URI="720p/0.2.ts"',
      '#EXTINF:1.000,',
      '720p/0.ts',
      `#EXT-X-KEY:METHOD=AES-128,URI="aes.key",${iv(1)}`,
      '#EXT-X-PART:DURATION=0.333,URI="720p/1.0.ts",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.333,URI="720p/1.1.ts"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="720p/1.2.ts"',
    ]);
    // Once segment 1 is listed its key line stands before its parts, and only there.
    await uploadPart(s.id, sessionId, '720p', 1, 2);
    const pdt = new Date(T0 + 1000);
    expect((await uploadSegment(s.id, sessionId, '720p', 1, { duration: 1, pdt })).status).toBe(201);
    const after = (await call(url('720p'))).text;
    expect(after.match(new RegExp(iv(1), 'g'))).toHaveLength(1);
    expect(after).toContain(`${iv(1)}\n#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:01.000Z\n#EXT-X-PART`);
    expect(lines(after).slice(-2)).toEqual([
      `#EXT-X-KEY:METHOD=AES-128,URI="aes.key",${iv(2)}`,
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="720p/2.0.ts"',
    ]);
  });

  it('keeps listing parts across a cut: the old input ends its segment early, the new one starts after a discontinuity', async () => {
    const { s, sessionId, url } = await lowStream();
    await segmentWithParts(s.id, sessionId, '720p', 0);
    // Camera 1's last segment has two parts when the cut comes; camera 2's first parts follow at
    // once (its open segment started on a keyframe before the cut), before segment 1 is uploaded.
    await uploadPart(s.id, sessionId, '720p', 1, 0);
    await uploadPart(s.id, sessionId, '720p', 1, 1);
    await uploadPart(s.id, sessionId, '720p', 2, 0, { discontinuity: true });
    await uploadPart(s.id, sessionId, '720p', 2, 1);
    const during = lines((await call(url('720p'))).text);
    // Segment 1 gets no third part: the hint already names camera 2's first.
    expect(during.slice(-3)).toEqual([
      '#EXT-X-PART:DURATION=0.333,URI="720p/1.0.ts",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.333,URI="720p/1.1.ts"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="720p/2.0.ts"',
    ]);
    const short = { duration: 0.666, pdt: new Date(T0 + 1000) };
    expect((await uploadSegment(s.id, sessionId, '720p', 1, short)).status).toBe(201);
    const after = lines((await call(url('720p'))).text);
    expect(after.slice(-7)).toEqual([
      '#EXT-X-PART:DURATION=0.333,URI="720p/1.1.ts"',
      '#EXTINF:0.666,',
      '720p/1.ts',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-PART:DURATION=0.333,URI="720p/2.0.ts",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.333,URI="720p/2.1.ts"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="720p/2.2.ts"',
    ]);
    // Once camera 2's segment is listed (with its discontinuity) the tag stands before it, once.
    await uploadPart(s.id, sessionId, '720p', 2, 2);
    const seg2 = { duration: 1, pdt: new Date(T0 + 1666), discontinuity: true };
    expect((await uploadSegment(s.id, sessionId, '720p', 2, seg2)).status).toBe(201);
    const listed = (await call(url('720p'))).text;
    expect(listed.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(1);
    expect(listed).toContain('720p/1.ts\n#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-01-01T12:00:01.666Z\n');
    expect(lines(listed).at(-1)).toBe('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="720p/3.0.ts"');
  });

  it('holds a blocking reload until its part is committed, then answers at once', async () => {
    const { s, sessionId, url } = await lowStream();
    await segmentWithParts(s.id, sessionId, '720p', 0);
    await uploadPart(s.id, sessionId, '720p', 1, 0);
    let answeredAt = 0;
    const held = call(`${url('720p')}?_HLS_msn=1&_HLS_part=1`).then((r) => {
      answeredAt = Date.now();
      return r;
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(answeredAt).toBe(0);
    const committedAt = Date.now();
    expect((await uploadPart(s.id, sessionId, '720p', 1, 1)).status).toBe(201);
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.text).toContain('URI="720p/1.1.ts"');
    expect(answeredAt - committedAt).toBeLessThan(300);
    // A request already satisfied answers without waiting; the same one again comes from the cache.
    const again = await call(`${url('720p')}?_HLS_msn=1&_HLS_part=1`);
    expect(again.text).toContain('URI="720p/1.1.ts"');
    expect(again.headers.get('x-edgelive-cache')).toBe('HIT');
    // Asking for the part after a complete segment's last one waits for the next segment's first.
    const next = call(`${url('720p')}?_HLS_msn=0&_HLS_part=3`);
    expect((await next).text).toContain('720p/1.0.ts');
  });

  it('refuses requests too far ahead with 400, and malformed directives too', async () => {
    const { s, sessionId, url } = await lowStream();
    await segmentWithParts(s.id, sessionId, '720p', 0);
    await uploadPart(s.id, sessionId, '720p', 1, 0);
    for (const q of ['_HLS_msn=4', '_HLS_msn=1&_HLS_part=4', '_HLS_part=1', '_HLS_msn=-1', '_HLS_msn=1&_HLS_skip=no']) {
      const res = await call(`${url('720p')}?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.json.error.code, q).toBe('invalid_request');
      expect(res.headers.get('cache-control'), q).toBe('no-store');
    }
    // Within the limits: two segments past the last listed one, three parts past the newest.
    expect((await call(`${url('720p')}?_HLS_msn=1&_HLS_part=3`)).status).not.toBe(400);
  });

  it("holds the part after a listed segment's last (the next segment's first) before that segment has a part", async () => {
    const { s, sessionId, url } = await lowStream();
    await segmentWithParts(s.id, sessionId, '720p', 0);
    // hls.js asks for part 3 of msn 0 (parts 0-2 listed, no part of segment 1 yet): the next one.
    const held = call(`${url('720p')}?_HLS_msn=0&_HLS_part=3`);
    await new Promise((r) => setTimeout(r, 100));
    expect((await uploadPart(s.id, sessionId, '720p', 1, 0)).status).toBe(201);
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.text).toContain('720p/1.0.ts');
  });

  it('answers a held reload with ENDLIST when the session ends, not a 5xx', async () => {
    const { s, sessionId, url } = await lowStream();
    await segmentWithParts(s.id, sessionId, '720p', 0);
    const held = call(`${url('720p')}?_HLS_msn=1&_HLS_part=0`);
    await new Promise((r) => setTimeout(r, 200));
    const done = await originCall(`${sessionPath(s.id, sessionId)}/publish-done`, { method: 'POST' });
    expect(done.status).toBe(204);
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.text).toContain('#EXT-X-ENDLIST');
    expect(res.text).not.toContain('#EXT-X-PART');
  });

  it('times out a reload whose part never comes with the playlist as it is', async () => {
    const { s, sessionId, url } = await lowStream();
    await segmentWithParts(s.id, sessionId, '720p', 0);
    const started = Date.now();
    const res = await call(`${url('720p')}?_HLS_msn=1&_HLS_part=0`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(res.text).toContain('#EXT-X-PRELOAD-HINT:TYPE=PART,URI="720p/1.0.ts"');
  });

  it('leaves out the head of a long window behind EXT-X-SKIP when asked for a delta update', async () => {
    const { s, sessionId, url } = await lowStream();
    for (let n = 0; n < 9; n++) await segmentWithParts(s.id, sessionId, '720p', n);
    const full = await call(url('720p'));
    expect(full.text.match(/#EXTINF/g)).toHaveLength(9);
    const delta = await call(`${url('720p')}?_HLS_skip=YES`);
    expect(delta.text).toContain('#EXT-X-VERSION:9');
    expect(delta.text).toContain('#EXT-X-SKIP:SKIPPED-SEGMENTS=3');
    // What is left starts 6 s (CAN-SKIP-UNTIL) before the end.
    expect(delta.text.match(/#EXTINF/g)).toHaveLength(6);
    expect(delta.text).not.toContain('720p/2.ts');
    expect(delta.text).toContain('720p/3.ts');
  });

  it('holds a request for the preload-hinted part until it is written', async () => {
    const { s, sessionId, pb } = await lowStream();
    await segmentWithParts(s.id, sessionId, '720p', 0);
    const held = call(`/hls/${pb}/${sessionId}/720p/1.0.ts`);
    await new Promise((r) => setTimeout(r, 200));
    await uploadPart(s.id, sessionId, '720p', 1, 0);
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.text).toContain('720p-1.0');
    // A part that never comes is a 404 after the wait, and not cached.
    expect((await call(`/hls/${pb}/${sessionId}/720p/5.0.ts`)).status).toBe(404);
  });
});
