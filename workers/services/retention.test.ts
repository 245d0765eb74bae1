import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../core/db/client';
import { recordedAsset } from '../test/assets';
import { call, expectError, tenant } from '../test/helpers';
import { createStream, eventTypes, originCall, publish, sessionPath, uploadSegment } from '../test/origin';
import { LIVE_ONLY_GRACE_MS, sweepStorage } from './retention.service';

/** Every key R2 holds under these prefixes. */
async function r2Keys(...prefixes: string[]) {
  const keys: string[] = [];
  for (const prefix of prefixes) keys.push(...(await env.MEDIA.list({ prefix })).objects.map((o) => o.key));
  return keys;
}

const sessionPrefixes = (streamId: string, sessionId: string) => [
  `live/${streamId}/${sessionId}/`,
  `recordings/${streamId}/${sessionId}/`,
  `thumbnails/${streamId}/${sessionId}/`,
];

describe('retention and storage hygiene', () => {
  it("deletes recordings past their app's retention with their media and rows; GET /v1/storage counts bytes by kind", async () => {
    const t = await tenant();
    const keep = await tenant();
    const set = await call(`/v1/apps/${t.app.id}`, {
      method: 'PATCH',
      auth: t.acct.token,
      body: { settings: { recording_retention_days: 2 } },
    });
    expect(set.status, set.text).toBe(200);
    const old = await recordedAsset(t.key.token);
    const fresh = await recordedAsset(t.key.token);
    const other = await recordedAsset(keep.key.token);
    const before = await call('/v1/storage', { auth: t.key.token });
    expect(before.status, before.text).toBe(200);
    expect(before.json.recordings).toBeGreaterThan(0);
    expect(before.json).toMatchObject({ uploads: 0, downloads: 0 });
    expect(before.json.total).toBe(
      before.json.recordings + before.json.uploads + before.json.downloads + before.json.thumbnails,
    );

    // Three days old in an app that keeps two; the same age in an app that keeps everything.
    const threeDaysAgo = Date.now() - 3 * 86_400_000;
    for (const id of [old.asset.id, other.asset.id])
      await env.DB.prepare('UPDATE assets SET created_at = ? WHERE id = ?').bind(threeDaysAgo, id).run();
    const swept = await sweepStorage(createDb(env.DB), env);
    expect(swept.recordings).toBe(1);

    expectError(await call(`/v1/assets/${old.asset.id}`, { auth: t.key.token }), 404);
    expect(await r2Keys(...sessionPrefixes(old.stream.id, old.sessionId))).toEqual([]);
    expect(await eventTypes(old.asset.id)).toContain('asset.deleted');
    expect((await call(`/v1/assets/${fresh.asset.id}`, { auth: t.key.token })).status).toBe(200);
    expect((await call(`/v1/assets/${other.asset.id}`, { auth: keep.key.token })).status).toBe(200);
    expect(await r2Keys(`live/${other.stream.id}/${other.sessionId}/`)).not.toEqual([]);
    const after = await call('/v1/storage', { auth: t.key.token });
    expect(after.json.recordings).toBeLessThan(before.json.recordings);
    expect(after.json.recordings).toBeGreaterThan(0);
    expectError(
      await call(`/v1/apps/${t.app.id}`, {
        method: 'PATCH',
        auth: t.acct.token,
        body: { settings: { recording_retention_days: 0 } },
      }),
      400,
    );
  });

  it("a stream's own recording_retention_days wins over its app's", async () => {
    const t = await tenant();
    await call(`/v1/apps/${t.app.id}`, {
      method: 'PATCH',
      auth: t.acct.token,
      body: { settings: { recording_retention_days: 2 } },
    });
    const short = await recordedAsset(t.key.token);
    const long = await recordedAsset(t.key.token);
    const days = async (streamId: string, n: number) => {
      const r = await call(`/v1/streams/${streamId}`, {
        method: 'PATCH',
        auth: t.key.token,
        body: { recording_retention_days: n },
      });
      expect(r.json.recording_retention_days, r.text).toBe(n);
    };
    await days(short.stream.id, 1);
    await days(long.stream.id, 30);
    // A clip of the short-lived recording goes with it.
    const clip = await call(`/v1/assets/${short.asset.id}/clips`, { auth: t.key.token, body: { start: 0, end: 2 } });
    expect(clip.status, clip.text).toBe(201);
    const ago = Date.now() - 1.5 * 86_400_000;
    for (const id of [short.asset.id, long.asset.id])
      await env.DB.prepare('UPDATE assets SET created_at = ? WHERE id = ?').bind(ago, id).run();
    await sweepStorage(createDb(env.DB), env);
    expectError(await call(`/v1/assets/${short.asset.id}`, { auth: t.key.token }), 404);
    expectError(await call(`/v1/assets/${clip.json.id}`, { auth: t.key.token }), 404);
    expect(await r2Keys(...sessionPrefixes(short.stream.id, short.sessionId), `clips/${clip.json.id}/`)).toEqual([]);
    // Three days old: past the app's two, but its stream keeps thirty.
    await env.DB.prepare('UPDATE assets SET created_at = ? WHERE id = ?')
      .bind(Date.now() - 3 * 86_400_000, long.asset.id)
      .run();
    await sweepStorage(createDb(env.DB), env);
    expect((await call(`/v1/assets/${long.asset.id}`, { auth: t.key.token })).status).toBe(200);
  });

  it("a live-only session's segments and frames are deleted once it ended and its window passed", async () => {
    const t = await tenant();
    const s = await createStream(t.key.token, { playback_policies: ['public'], recording: false, reconnect_window: 0 });
    const pub = await publish(s.stream_key);
    const sessionId = pub.json.session_id as string;
    await uploadSegment(s.id, sessionId, '720p', 0);
    await uploadSegment(s.id, sessionId, '720p', 1);
    expect(await r2Keys(`live/${s.id}/${sessionId}/`)).toHaveLength(2);

    // While live nothing is touched.
    await sweepStorage(createDb(env.DB), env);
    expect(await r2Keys(`live/${s.id}/${sessionId}/`)).toHaveLength(2);

    await originCall(`${sessionPath(s.id, sessionId)}/publish-done`, { body: {} });
    const ended = await env.DB.prepare('SELECT status, ended_at FROM stream_sessions WHERE id = ?')
      .bind(sessionId)
      .first<{ status: string; ended_at: number }>();
    expect(ended?.status).toBe('ended');
    // Just ended: players may still be on its last window.
    await sweepStorage(createDb(env.DB), env);
    expect(await r2Keys(`live/${s.id}/${sessionId}/`)).toHaveLength(2);

    await env.DB.prepare('UPDATE stream_sessions SET ended_at = ? WHERE id = ?')
      .bind(Date.now() - LIVE_ONLY_GRACE_MS - 1000, sessionId)
      .run();
    const swept = await sweepStorage(createDb(env.DB), env);
    expect(swept.sessions).toBeGreaterThanOrEqual(1);
    expect(await r2Keys(...sessionPrefixes(s.id, sessionId))).toEqual([]);
    const storage = await call('/v1/storage', { auth: t.key.token });
    expect(storage.json.recordings).toBe(0);
  });
});
