import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { MediaJobQueueObject } from '../../durable-objects/media-jobs/media-jobs.do';
import { recordedAsset } from '../test/assets';
import { call, expectError, tenant } from '../test/helpers';
import { originCall } from '../test/origin';
import { signingKey, viewerToken } from '../test/playback';

/**
 * The media-job queue through the origin endpoints, as an agent drives it: lease, read the input
 * under the lease, upload, complete. A lease that lapses goes to the next worker; the first
 * worker's lease is then refused everywhere. Each test has its own queue object (`name`).
 */

const queue = () => env.MEDIA_JOBS.getByName('default');

/** Lapse every lease now, as if their workers had died LEASE_MS ago. */
async function lapseLeases() {
  await runInDurableObject(queue(), (q: MediaJobQueueObject, state) => {
    void q;
    state.storage.sql.exec(`UPDATE jobs SET lease_until = 0 WHERE status = 'leased'`);
  });
}

async function drain() {
  // Jobs left by other tests of this file: fail them for good so each test leases its own.
  for (;;) {
    const l = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    if (l.status === 204) return;
    await originCall(`/internal/media-jobs/${l.json.job.id}/fail`, {
      body: { lease_id: l.json.lease_id, reason: 'test drain', retryable: false },
    });
  }
}

async function mp4Asset() {
  await drain();
  const t = await tenant();
  const { asset, stream } = await recordedAsset(t.key.token);
  const patched = await call(`/v1/assets/${asset.id}`, {
    method: 'PATCH',
    auth: t.key.token,
    body: { mp4_support: 'standard' },
  });
  expect(patched.status, patched.text).toBe(200);
  expect(patched.json.mp4).toMatchObject({ status: 'preparing', rendition: '720p', bytes: null, path: null });
  return { t, asset, stream };
}

describe('media jobs', () => {
  it('an agent leases the MP4 job, reads its input, uploads, completes; the download serves ranges', async () => {
    const { t, asset } = await mp4Asset();
    const lease = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    expect(lease.status, lease.text).toBe(200);
    expect(lease.json.job).toMatchObject({ attempt: 1, spec: { kind: 'mp4', asset_id: asset.id } });
    const { id } = lease.json.job;
    const q = `lease_id=${lease.json.lease_id}`;
    const playlist = await originCall(`/internal/media-jobs/${id}/input/playlist.m3u8?${q}`);
    expect(playlist.status).toBe(200);
    expect(playlist.text).toContain('720p/0.ts');
    const seg = await originCall(`/internal/media-jobs/${id}/input/720p/0.ts?${q}`);
    expect(seg.status).toBe(200);
    expectError(await originCall(`/internal/media-jobs/${id}/input/720p/0.ts?lease_id=nope`), 409, 'lease_lost');
    expectError(await originCall(`/internal/media-jobs/${id}/input/360p/0.ts?${q}`), 404);
    // Without origin credentials nothing answers.
    expectError(await call(`/internal/media-jobs/${id}/input/playlist.m3u8?${q}`), 401);

    const mp4 = new Uint8Array(1000).map((_, i) => i % 251);
    const put = await originCall(`/internal/media-jobs/${id}/output?${q}`, { method: 'PUT', raw: mp4 });
    expect(put.status, put.text).toBe(201);
    expect(
      (await originCall(`/internal/media-jobs/${id}/complete`, { body: { lease_id: lease.json.lease_id } })).status,
    ).toBe(204);
    // A retried complete is harmless.
    expect(
      (await originCall(`/internal/media-jobs/${id}/complete`, { body: { lease_id: lease.json.lease_id } })).status,
    ).toBe(204);

    const got = await call(`/v1/assets/${asset.id}`, { auth: t.key.token });
    expect(got.json.mp4).toEqual({ status: 'ready', rendition: '720p', bytes: 1000, path: 'highest.mp4', error: null });
    const types = (await call(`/v1/events?type=asset.mp4.ready`, { auth: t.key.token })).json.data;
    expect(types).toHaveLength(1);

    const pb = asset.playback_ids[0]!.id;
    const full = await call(`/downloads/${pb}/highest.mp4`);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-length')).toBe('1000');
    const ranged = await env.MEDIA.get(`downloads/${asset.id}/highest.mp4`);
    expect(ranged?.size).toBe(1000);
    const part = await call(`/downloads/${pb}/highest.mp4`, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    const past = await call(`/downloads/${pb}/highest.mp4`, { headers: { range: 'bytes=1000-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */1000');
    expectError(await call(`/downloads/${pb}/other.mp4`), 404);

    // Deleting the asset deletes the MP4 too.
    expect((await call(`/v1/assets/${asset.id}`, { method: 'DELETE', auth: t.key.token })).status).toBe(204);
    expect(await env.MEDIA.head(`downloads/${asset.id}/highest.mp4`)).toBeNull();
  });

  it('a large MP4 arrives in parts (an R2 multipart upload) under the same lease', async () => {
    const { t, asset } = await mp4Asset();
    const lease = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    const { id } = lease.json.job;
    const q = `lease_id=${lease.json.lease_id}`;
    const started = await originCall(`/internal/media-jobs/${id}/multipart?${q}`, { method: 'POST' });
    expect(started.status, started.text).toBe(201);
    const up = `/internal/media-jobs/${id}/multipart/${started.json.upload_id}`;
    // R2's rule: every part but the last of one size, at least 5 MiB.
    const first = new Uint8Array(5 * 1024 * 1024).map((_, i) => i % 253);
    const last = new Uint8Array(1000).fill(7);
    const parts = [];
    for (const [i, bytes] of [first, last].entries()) {
      const r = await originCall(`${up}/${i + 1}?${q}`, { method: 'PUT', raw: bytes });
      expect(r.status, r.text).toBe(200);
      parts.push({ n: i + 1, etag: r.json.etag as string });
    }
    expectError(await originCall(`${up}/3?lease_id=nope`, { method: 'PUT', raw: last }), 409, 'lease_lost');
    expectError(await originCall(`${up}/0?${q}`, { method: 'PUT', raw: last }), 400);
    expectError(
      await originCall(`${up}/complete`, { body: { lease_id: lease.json.lease_id, parts: [{ n: 1, etag: 'x' }] } }),
      409,
      'multipart_invalid',
    );
    const done = await originCall(`${up}/complete`, { body: { lease_id: lease.json.lease_id, parts } });
    expect(done.status, done.text).toBe(201);
    expect(done.json.bytes).toBe(first.byteLength + last.byteLength);
    await originCall(`/internal/media-jobs/${id}/complete`, { body: { lease_id: lease.json.lease_id } });
    const got = await call(`/v1/assets/${asset.id}`, { auth: t.key.token });
    expect(got.json.mp4).toMatchObject({ status: 'ready', bytes: first.byteLength + last.byteLength });
    // A range across the parts' seam reads both.
    const seam = first.byteLength;
    const r = await call(`/downloads/${asset.playback_ids[0]!.id}/highest.mp4`, {
      headers: { range: `bytes=${seam - 2}-${seam + 1}` },
    });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes ${seam - 2}-${seam + 1}/${seam + last.byteLength}`);
    const stored = new Uint8Array(await (await env.MEDIA.get(`downloads/${asset.id}/highest.mp4`))!.arrayBuffer());
    expect([...stored.slice(seam - 2, seam + 2)]).toEqual([...first.slice(-2), 7, 7]);
    // A finished job's lease opens no new upload.
    expectError(await originCall(`/internal/media-jobs/${id}/multipart?${q}`, { method: 'POST' }), 409, 'lease_lost');
  });

  it('a signed asset downloads only with aud=d', async () => {
    const t = await tenant();
    const { asset } = await recordedAsset(t.key.token);
    const signed = await call(`/v1/assets/${asset.id}/playback-ids`, { auth: t.key.token, body: { policy: 'signed' } });
    const key = await signingKey(t.key.token);
    await env.DB.prepare(`UPDATE assets SET mp4_status = 'ready', mp4_bytes = 3 WHERE id = ?`).bind(asset.id).run();
    await env.MEDIA.put(`downloads/${asset.id}/highest.mp4`, 'mp4');
    const url = `/downloads/${signed.json.id}/highest.mp4`;
    expectError(await call(url), 401);
    expect((await call(`${url}?token=${await viewerToken(key, { sub: signed.json.id, aud: 'v' })}`)).status).toBe(403);
    const ok = await call(`${url}?token=${await viewerToken(key, { sub: signed.json.id, aud: 'd' })}`);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.text).toBe('mp4');
  });

  it('a lapsed lease goes to the next worker, and the first worker is refused', async () => {
    const { t, asset } = await mp4Asset();
    const first = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    expect(first.json.job.spec.asset_id).toBe(asset.id);
    // Nothing else to hand out while the lease holds.
    expect((await originCall('/internal/media-jobs/lease', { method: 'POST', origin: 'orig_local2' })).status).toBe(
      204,
    );
    await lapseLeases();
    const second = await originCall('/internal/media-jobs/lease', { method: 'POST', origin: 'orig_local2' });
    expect(second.status).toBe(200);
    expect(second.json.job).toMatchObject({ id: first.json.job.id, attempt: 2 });
    const id = first.json.job.id;
    expectError(
      await originCall(`/internal/media-jobs/${id}/progress`, {
        body: { lease_id: first.json.lease_id, progress: 0.5 },
      }),
      409,
      'lease_lost',
    );
    expectError(
      await originCall(`/internal/media-jobs/${id}/output?lease_id=${first.json.lease_id}`, {
        method: 'PUT',
        raw: 'x',
      }),
      409,
    );
    expect(
      (
        await originCall(`/internal/media-jobs/${id}/progress`, {
          origin: 'orig_local2',
          body: { lease_id: second.json.lease_id, progress: 0.5 },
        })
      ).status,
    ).toBe(204);
    // A permanent failure marks the asset's MP4 errored with the reason.
    const fail = await originCall(`/internal/media-jobs/${id}/fail`, {
      origin: 'orig_local2',
      body: { lease_id: second.json.lease_id, reason: 'ffmpeg exited 1: invalid data', retryable: false },
    });
    expect(fail.json).toEqual({ retried: false });
    const got = await call(`/v1/assets/${asset.id}`, { auth: t.key.token });
    expect(got.json.mp4).toMatchObject({ status: 'errored', error: { reason: 'ffmpeg exited 1: invalid data' } });
  });

  it('a job whose every attempt lapses fails, and its asset hears why', async () => {
    const { t, asset } = await mp4Asset();
    for (const attempt of [1, 2, 3]) {
      const l = await originCall('/internal/media-jobs/lease', { method: 'POST' });
      expect(l.json.job).toMatchObject({ attempt, spec: { asset_id: asset.id } });
      await lapseLeases();
    }
    expect((await originCall('/internal/media-jobs/lease', { method: 'POST' })).status).toBe(204);
    const got = await call(`/v1/assets/${asset.id}`, { auth: t.key.token });
    expect(got.json.mp4).toMatchObject({ status: 'errored', error: { reason: 'worker_lost: every attempt lapsed' } });
  });

  it('a retryable failure queues the job again', async () => {
    const { asset } = await mp4Asset();
    const first = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    const fail = await originCall(`/internal/media-jobs/${first.json.job.id}/fail`, {
      body: { lease_id: first.json.lease_id, reason: 'network', retryable: true },
    });
    expect(fail.json).toEqual({ retried: true });
    const again = await originCall('/internal/media-jobs/lease', { method: 'POST' });
    expect(again.json.job).toMatchObject({ attempt: 2, spec: { asset_id: asset.id } });
  });

  it('bad bodies are 400, unknown jobs 404', async () => {
    expectError(await originCall('/internal/media-jobs/job_AAAAAAAAAAAA/progress', { body: { progress: 2 } }), 400);
    expectError(await originCall('/internal/media-jobs/nope/complete', { body: { lease_id: 'x' } }), 404);
    expectError(await originCall('/internal/media-jobs/job_AAAAAAAAAAAA/complete', { body: { lease_id: 'x' } }), 404);
  });
});
