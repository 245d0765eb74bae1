import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, tenant } from '../../workers/test/helpers';
import { createStream, originCall, publish, sessionPath, streamStubOf, uploadSegment } from '../../workers/test/origin';

/**
 * Players keep the first master playlist they get, so it must list the whole ladder: once the
 * origin has said which renditions it produces (its input report), the master waits until each
 * has a listed segment, unless one is later than the gap wait (then the others play).
 */
const input = (renditions?: string[]) => ({
  video_codec: 'h264',
  audio_codec: 'aac',
  width: 1280,
  height: 720,
  frame_rate: 30,
  bitrate_kbps: 2500,
  ...(renditions ? { renditions } : {}),
});

async function liveStream(renditions?: string[]) {
  const t = await tenant();
  const s = await createStream(t.key.token, { ladder: ['source', '720p', '480p'], playback_policies: ['public'] });
  const sessionId = (await publish(s.stream_key)).json.session_id as string;
  const report = await originCall(`${sessionPath(s.id, sessionId)}/input`, { body: input(renditions) });
  expect(report.status, report.text).toBeLessThan(300);
  return { s, sessionId, master: () => call(`/hls/${s.playback_ids[0]!.id}.m3u8`) };
}

const variants = (text: string) => text.split('\n').filter((l) => l.endsWith('.m3u8'));

describe('the first master playlist', () => {
  it('waits for every rendition the origin produces, then lists them all (no 720p beside a 720p source)', async () => {
    const { s, sessionId, master } = await liveStream(['source', '480p']);
    expect((await uploadSegment(s.id, sessionId, 'source', 0)).status).toBe(201);
    expect((await master()).status).toBe(412);
    expect((await uploadSegment(s.id, sessionId, '480p', 0)).status).toBe(201);
    const m = await master();
    expect(m.status).toBe(200);
    expect(variants(m.text).map((u) => u.split('/').at(-1))).toEqual(['source.m3u8', '480p.m3u8']);
  });

  it('lists what it has once a rendition is later than the gap wait', async () => {
    const { s, sessionId, master } = await liveStream(['source', '480p']);
    expect((await uploadSegment(s.id, sessionId, 'source', 0)).status).toBe(201);
    expect((await master()).status).toBe(412);
    await runInDurableObject(streamStubOf(s.id), (_o, state) => {
      state.storage.sql.exec('UPDATE segments SET received_at = received_at - 7000');
    });
    const m = await master();
    expect(m.status).toBe(200);
    expect(variants(m.text)).toHaveLength(1);
  });

  it('behaves as before for an origin that does not say its renditions', async () => {
    const { s, sessionId, master } = await liveStream();
    expect((await uploadSegment(s.id, sessionId, 'source', 0)).status).toBe(201);
    expect(variants((await master()).text)).toHaveLength(1);
  });

  it('refuses a report naming an unknown rendition (400)', async () => {
    const { s, sessionId } = await liveStream();
    const bad = await originCall(`${sessionPath(s.id, sessionId)}/input`, { body: input(['source', '4k']) });
    expect(bad.status).toBe(400);
  });
});
