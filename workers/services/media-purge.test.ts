import {
  createExecutionContext,
  createScheduledController,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../core/db/client';
import { scheduled } from '../scheduled';
import { recordedAsset } from '../test/assets';
import { call, createApiKey, createApp, expectError, register, tenant } from '../test/helpers';
import { createStream, originCall, publish, sessionPath } from '../test/origin';
import { deleteAppsWithMedia, purgeMedia } from './media-purge.service';
import { PART_SIZE } from './tus-store';

/**
 * Deleting an app or an org deletes its media in R2 (issue 14): segments, recordings, poster
 * frames, MP4s, upload bytes (an unfinished multipart upload aborted), channel images; a bounded
 * number of objects per pass, resumed by the next pass (the Cron Trigger) until R2 lists nothing.
 */
async function r2Keys(prefixes: string[]) {
  const keys: string[] = [];
  for (const prefix of prefixes) keys.push(...(await env.MEDIA.list({ prefix })).objects.map((o) => o.key));
  return keys;
}

const purgeRows = async (appId: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM media_purges WHERE app_id = ?').bind(appId).first<{ n: number }>())!
    .n;

/** An app holding one of every kind of media, and the prefixes (spelled out here) that hold it. */
async function appWithMedia(keyToken: string, appId: string) {
  const rec = await recordedAsset(keyToken);
  const s = rec.stream.id;
  // More objects than one bounded pass takes: extra segments and timed poster frames.
  for (let i = 1; i <= 6; i++) await env.MEDIA.put(`live/${s}/${rec.sessionId}/720p/${i}.ts`, `seg-${i}`);
  await env.MEDIA.put(`thumbnails/${s}/${rec.sessionId}/0000004.jpg`, 'jpeg');
  // A second camera's preview window (keyed by the input, not the stream).
  const cam = await call(`/v1/streams/${s}/inputs`, { auth: keyToken, body: { name: 'Camera 2' } });
  expect(cam.status, cam.text).toBe(201);
  await env.MEDIA.put(`previews/${cam.json.id}/0.ts`, 'preview');
  await env.MEDIA.put(`downloads/${rec.asset.id}/highest.mp4`, 'mp4');
  await env.MEDIA.put(`channels/${appId}/ch_x/logo-abc.png`, 'png');
  // An upload stopped part way: one whole R2 part in a multipart upload and a tail object.
  const up = await call('/v1/uploads', { auth: keyToken, body: {} });
  expect(up.status, up.text).toBe(201);
  const path = new URL(up.json.url).pathname;
  const tus = { 'tus-resumable': '1.0.0' };
  const created = await call(path, {
    method: 'POST',
    headers: { ...tus, 'upload-length': String(3 * PART_SIZE), 'upload-metadata': `filetype ${btoa('video/mp4')}` },
  });
  expect(created.status, created.text).toBe(201);
  const sent = await call(path, {
    method: 'PATCH',
    raw: new Uint8Array(PART_SIZE + 100).fill(7),
    headers: { ...tus, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
  });
  expect(sent.status, sent.text).toBe(204);
  const row = await env.DB.prepare('SELECT multipart_id FROM uploads WHERE id = ?')
    .bind(up.json.id)
    .first<{ multipart_id: string }>();
  const prefixes = [
    `live/${s}/`,
    `recordings/${s}/`,
    `thumbnails/${s}/`,
    `previews/${cam.json.id}/`,
    `downloads/${rec.asset.id}/`,
    `channels/${appId}/`,
    `uploads/${up.json.id}/`,
  ];
  const multipart = env.MEDIA.resumeMultipartUpload(`uploads/${up.json.id}/source`, row!.multipart_id);
  return { rec, prefixes, multipart };
}

/** Rows an object holds across its own tables (whatever they are), as the object sees them. */
async function storedRows(stub: DurableObjectStub) {
  return runInDurableObject(stub, (_obj: unknown, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
      )
      .toArray();
    let n = 0;
    for (const t of tables) n += state.storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM "${t.name}"`).one().n;
    return n;
  });
}

describe('deleting an app or an org deletes its media', () => {
  it('queues every prefix with the rows gone, drains it a bounded batch a pass, and the cron resumes it', async () => {
    const t = await tenant();
    const keep = await tenant();
    const media = await appWithMedia(t.key.token, t.app.id);
    const other = await recordedAsset(keep.key.token);
    const before = await r2Keys(media.prefixes);
    expect(before.length).toBeGreaterThanOrEqual(11);
    // Objects with state of the app's: its stream's, a room with a message, the other app's stream.
    const room = await call('/v1/rooms', { auth: t.key.token, body: { name: 'lobby' } });
    expect(room.status, room.text).toBe(201);
    const said = await call(`/v1/rooms/${room.json.id}/messages`, { auth: t.key.token, body: { text: 'hello' } });
    expect(said.status, said.text).toBe(201);
    const objects = [env.STREAM.getByName(media.rec.stream.id), env.ROOM.getByName(room.json.id)];
    for (const o of objects) expect(await storedRows(o)).toBeGreaterThan(0);

    // Refused while a stream publishes (it would write segments after the purge listed it empty).
    const live = await createStream(t.key.token, { playback_policies: ['public'], reconnect_window: 0 });
    const pub = await publish(live.stream_key);
    expectError(await call(`/v1/apps/${t.app.id}`, { method: 'DELETE', auth: t.acct.token }), 409, 'conflict');
    expect((await call(`/v1/assets/${media.rec.asset.id}`, { auth: t.key.token })).status).toBe(200);
    expect(await purgeRows(t.app.id)).toBe(0);
    await originCall(`${sessionPath(live.id, pub.json.session_id)}/publish-done`, { body: {} });

    const db = createDb(env.DB);
    await deleteAppsWithMedia(db, [t.app.id]);
    expectError(await call(`/v1/apps/${t.app.id}`, { auth: t.acct.token }), 404);
    expect((await call('/v1/assets', { auth: t.key.token })).status).toBe(401);
    expect(await purgeRows(t.app.id)).toBeGreaterThanOrEqual(media.prefixes.length);

    // Two passes of 3 objects each: exactly 3 fewer objects each time, the rest still queued.
    for (const pass of [1, 2]) {
      const r = await purgeMedia(db, env, 3);
      expect(r.deleted).toBe(3);
      expect((await r2Keys(media.prefixes)).length).toBe(before.length - 3 * pass);
      expect(await purgeRows(t.app.id)).toBeGreaterThan(0);
    }

    // The Cron Trigger's run picks up where the passes stopped.
    const ctx = createExecutionContext();
    await scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await r2Keys(media.prefixes)).toEqual([]);
    expect(await purgeRows(t.app.id)).toBe(0);
    // The unfinished multipart upload was aborted, not left to hold its parts.
    await expect(media.multipart.uploadPart(2, new Uint8Array(PART_SIZE))).rejects.toThrow();
    // The app's objects hold nothing any more; another app's keep theirs.
    for (const o of objects) expect(await storedRows(o)).toBe(0);
    expect(await storedRows(env.STREAM.getByName(other.stream.id))).toBeGreaterThan(0);
    // Another app's media is untouched.
    expect(await r2Keys([`live/${other.stream.id}/`, `recordings/${other.stream.id}/`])).not.toEqual([]);
    expect((await call(`/v1/assets/${other.asset.id}`, { auth: keep.key.token })).status).toBe(200);
  });

  it('DELETE /v1/orgs/{id} (owners) deletes every app of the org and, after the request, their media', async () => {
    const acct = await register();
    const a1 = await createApp(acct);
    const a2 = await createApp(acct);
    const k1 = await createApiKey(acct, a1.id);
    const k2 = await createApiKey(acct, a2.id);
    const m1 = await appWithMedia(k1.token, a1.id);
    const m2 = await recordedAsset(k2.token);
    const prefixes = [...m1.prefixes, `live/${m2.stream.id}/`, `recordings/${m2.stream.id}/`];
    expect((await r2Keys(prefixes)).length).toBeGreaterThan(10);

    const stranger = await tenant();
    expectError(await call(`/v1/orgs/${acct.orgId}`, { method: 'DELETE', auth: stranger.acct.token }), 404);
    const live = await createStream(k2.token, { playback_policies: ['public'], reconnect_window: 0 });
    const pub = await publish(live.stream_key);
    expectError(await call(`/v1/orgs/${acct.orgId}`, { method: 'DELETE', auth: acct.token }), 409, 'conflict');
    expect((await call(`/v1/apps/${a1.id}`, { auth: acct.token })).status).toBe(200);
    await originCall(`${sessionPath(live.id, pub.json.session_id)}/publish-done`, { body: {} });

    const res = await call(`/v1/orgs/${acct.orgId}`, { method: 'DELETE', auth: acct.token });
    expect(res.status, res.text).toBe(204);
    expectError(await call(`/v1/orgs/${acct.orgId}`, { auth: acct.token }), 404);
    expectError(await call(`/v1/apps/${a1.id}`, { auth: acct.token }), 404);
    // The request's own pass (waitUntil) drains an org this small; poll it with a bound.
    let left = await r2Keys(prefixes);
    for (let i = 0; i < 100 && (left.length || (await purgeRows(a1.id)) + (await purgeRows(a2.id))); i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = await r2Keys(prefixes);
    }
    expect(left).toEqual([]);
    expect((await purgeRows(a1.id)) + (await purgeRows(a2.id))).toBe(0);
    expect((await call('/v1/streams', { auth: stranger.key.token })).status).toBe(200);
  });
});
