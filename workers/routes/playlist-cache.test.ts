import { describe, expect, it } from 'vitest';
import { PLAYLIST_TTL_MS } from '../services/playlist-cache';
import { call, tenant } from '../test/helpers';
import { createStream, publish, streamStubOf, uploadSegment } from '../test/origin';
import { signingKey, viewerToken } from '../test/playback';

/**
 * Playlists at viewer scale (issue 12): live media playlists cost the stream's object a bounded
 * number of requests per rendition, whatever the viewer count (workers/services/playlist-cache.ts).
 */
async function liveStream(latencyMode: 'standard' | 'low') {
  const t = await tenant();
  const s = await createStream(t.key.token, { playback_policies: ['public'], latency_mode: latencyMode });
  const pub = await publish(s.stream_key);
  const sessionId = pub.json.session_id as string;
  await uploadSegment(s.id, sessionId, '720p', 0);
  return { s, sessionId, url: `/hls/${s.playback_ids[0]!.id}/${sessionId}/720p.m3u8` };
}

const served = async (streamId: string) => (await streamStubOf(streamId).servedCounts()).mediaPlaylists;

describe('live playlist micro-cache', () => {
  it('answers a burst of 500 concurrent pollers with one call to the object', async () => {
    const { s, url } = await liveStream('standard');
    const before = await served(s.id);
    const answers = await Promise.all(Array.from({ length: 500 }, () => call(url)));
    expect(answers.every((a) => a.status === 200 && a.text.includes('720p/0.ts'))).toBe(true);
    const statuses = answers.map((a) => a.headers.get('x-edgelive-cache'));
    expect(statuses.filter((x) => x === 'MISS')).toHaveLength(1);
    expect(statuses.every((x) => x === 'MISS' || x === 'SHARED' || x === 'HIT')).toBe(true);
    // The object's own count (in memory since it started, so never more than the misses).
    expect((await served(s.id)) - before).toBeLessThanOrEqual(1);
  });

  it('keeps 500 pollers polling within one object call per rendition per TTL', async () => {
    const { s, url } = await liveStream('low');
    const before = await served(s.id);
    const started = Date.now();
    // Each poller asks again as soon as it has its answer: far more often than a player would.
    let misses = 0;
    const poller = async () => {
      for (let i = 0; i < 2; i++) {
        const a = await call(url);
        expect(a.status).toBe(200);
        if (a.headers.get('x-edgelive-cache') === 'MISS') misses += 1;
      }
    };
    await Promise.all(Array.from({ length: 500 }, poller));
    const elapsed = Date.now() - started;
    // At most one miss per TTL, plus the one in flight when a TTL ends, for 1000 answers.
    const bound = Math.ceil(elapsed / PLAYLIST_TTL_MS.low) + 1;
    expect(misses).toBeGreaterThanOrEqual(1);
    expect(misses).toBeLessThanOrEqual(bound);
    expect((await served(s.id)) - before).toBeLessThanOrEqual(misses);
  });

  it('lists a committed segment at once here, and a stale copy never outlives the TTL', async () => {
    const { s, sessionId, url } = await liveStream('standard');
    expect((await call(url)).text).not.toContain('720p/1.ts');
    // The commit drops this data centre's copy: the next poll lists the segment.
    await uploadSegment(s.id, sessionId, '720p', 1);
    const next = await call(url);
    expect(next.headers.get('x-edgelive-cache')).toBe('MISS');
    expect(next.text).toContain('720p/1.ts');
    const again = await call(url);
    expect(again.headers.get('x-edgelive-cache')).toBe('HIT');
    await new Promise((r) => setTimeout(r, PLAYLIST_TTL_MS.standard + 50));
    expect((await call(url)).headers.get('x-edgelive-cache')).toBe('MISS');
  });

  it('shares one object answer between signed viewers, each answer carrying segment grants', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { playback_policies: ['signed'] });
    const sessionId = (await publish(s.stream_key)).json.session_id as string;
    await uploadSegment(s.id, sessionId, '720p', 0);
    const key = await signingKey(t.key.token);
    const pb = s.playback_ids[0]!.id;
    const url = `/hls/${pb}/${sessionId}/720p.m3u8`;
    const before = await served(s.id);
    // The cached copy is the object's text, without grants: they are added per request.
    const [a, b] = await Promise.all(
      [600, 900].map(async (expIn) => call(`${url}?token=${await viewerToken(key, { sub: pb, aud: 'v', expIn })}`)),
    );
    expect(a!.status).toBe(200);
    expect(b!.status).toBe(200);
    const grantOf = (text: string) => /0\.ts\?g=([^\s]+)/.exec(text)?.[1];
    expect(grantOf(a!.text)).toBeTruthy();
    expect(grantOf(b!.text)).toBeTruthy();
    expect([a!, b!].filter((x) => x.headers.get('x-edgelive-cache') === 'MISS')).toHaveLength(1);
    expect((await served(s.id)) - before).toBeLessThanOrEqual(1);
  });
});
