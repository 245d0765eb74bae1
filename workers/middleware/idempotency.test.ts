import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../core/crypto';
import { createDb } from '../../core/db/client';
import { call, expectError, tenant, unique } from '../test/helpers';
import { IDEMPOTENCY_TTL_MS, pruneIdempotencyKeys } from './idempotency';

const streamsOf = async (token: string) =>
  (await call('/v1/streams?limit=100', { auth: token })).json.data as { id: string }[];

describe('Idempotency-Key', () => {
  it('two POSTs with one key create one stream and answer the same', async () => {
    const { key } = await tenant();
    const headers = { 'Idempotency-Key': unique('idem') };
    const first = await call('/v1/streams', { auth: key.token, headers, body: { name: 'once' } });
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const second = await call('/v1/streams', { auth: key.token, headers, body: { name: 'once' } });
    expect(second.status).toBe(201);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(second.json).toEqual(first.json);
    expect((await streamsOf(key.token)).map((s) => s.id)).toEqual([first.json.id]);

    // Another key is another request.
    const other = await call('/v1/streams', {
      auth: key.token,
      headers: { 'Idempotency-Key': unique('idem') },
      body: { name: 'once' },
    });
    expect(other.status).toBe(201);
    expect(other.json.id).not.toBe(first.json.id);
    expect(await streamsOf(key.token)).toHaveLength(2);
  });

  it('refuses the same key with another body (422) and one still running (409); changes nothing', async () => {
    const { key, app } = await tenant();
    const k = unique('idem');
    expect(
      (await call('/v1/streams', { auth: key.token, headers: { 'Idempotency-Key': k }, body: { name: 'a' } })).status,
    ).toBe(201);
    expectError(
      await call('/v1/streams', { auth: key.token, headers: { 'Idempotency-Key': k }, body: { name: 'b' } }),
      422,
      'idempotency_key_reused',
    );
    // Same body on another path is another request too.
    expectError(
      await call('/v1/rooms', { auth: key.token, headers: { 'Idempotency-Key': k }, body: { name: 'a' } }),
      422,
      'idempotency_key_reused',
    );
    expect(await streamsOf(key.token)).toHaveLength(1);

    // A first request of the same shape that has not finished yet (no answer stored).
    const running = unique('idem');
    const fingerprint = await sha256Hex(`POST /v1/streams\n${JSON.stringify({ name: 'a' })}`);
    await env.DB.prepare('INSERT INTO idempotency_keys (app_id, key, fingerprint, created_at) VALUES (?, ?, ?, ?)')
      .bind(app.id, running, fingerprint, Date.now())
      .run();
    const busy = await call('/v1/streams', {
      auth: key.token,
      headers: { 'Idempotency-Key': running },
      body: { name: 'a' },
    });
    expectError(busy, 409, 'idempotency_key_in_use');
    expect(busy.headers.get('Retry-After')).toBe('1');
    expect(await streamsOf(key.token)).toHaveLength(1);
  });

  it('keys are per app, forgotten after 24 hours, and checked', async () => {
    const a = await tenant();
    const b = await tenant();
    const k = unique('idem');
    const one = await call('/v1/streams', {
      auth: a.key.token,
      headers: { 'Idempotency-Key': k },
      body: { name: 'x' },
    });
    const two = await call('/v1/streams', {
      auth: b.key.token,
      headers: { 'Idempotency-Key': k },
      body: { name: 'x' },
    });
    expect(two.status).toBe(201);
    expect(two.json.id).not.toBe(one.json.id);

    await env.DB.prepare('UPDATE idempotency_keys SET created_at = ? WHERE app_id = ? AND key = ?')
      .bind(Date.now() - IDEMPOTENCY_TTL_MS - 1000, a.app.id, k)
      .run();
    const later = await call('/v1/streams', {
      auth: a.key.token,
      headers: { 'Idempotency-Key': k },
      body: { name: 'x' },
    });
    expect(later.status).toBe(201);
    expect(later.headers.get('Idempotent-Replayed')).toBeNull();
    expect(later.json.id).not.toBe(one.json.id);

    expectError(
      await call('/v1/streams', {
        auth: a.key.token,
        headers: { 'Idempotency-Key': 'x'.repeat(256) },
        body: { name: 'x' },
      }),
      400,
    );
  });

  it('keeps no refusal: the key is free again, and the cron forgets expired keys', async () => {
    const { key, app } = await tenant();
    const k = unique('idem');
    const bad = await call('/v1/streams', { auth: key.token, headers: { 'Idempotency-Key': k }, body: { name: 5 } });
    expectError(bad, 400, 'invalid_request');
    expect(await streamsOf(key.token)).toHaveLength(0);
    const fixed = await call('/v1/streams', {
      auth: key.token,
      headers: { 'Idempotency-Key': k },
      body: { name: 'five' },
    });
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('Idempotent-Replayed')).toBeNull();

    const count = async () =>
      (await env.DB.prepare('SELECT COUNT(*) AS n FROM idempotency_keys WHERE app_id = ?')
        .bind(app.id)
        .first<{ n: number }>())!.n;
    expect(await count()).toBe(1);
    await env.DB.prepare('UPDATE idempotency_keys SET created_at = ? WHERE app_id = ?').bind(0, app.id).run();
    await pruneIdempotencyKeys(createDb(env.DB));
    expect(await count()).toBe(0);
  });

  it('works the same on the console mount, per app', async () => {
    const { acct, app } = await tenant();
    const headers = { 'Idempotency-Key': unique('idem') };
    const path = `/v1/apps/${app.id}/streams`;
    const first = await call(path, { auth: acct.token, headers, body: { name: 'c' } });
    const second = await call(path, { auth: acct.token, headers, body: { name: 'c' } });
    expect(second.json).toEqual(first.json);
    expect((await call(`${path}?limit=100`, { auth: acct.token })).json.data).toHaveLength(1);
  });
});
