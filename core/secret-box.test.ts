import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, tenant } from '../workers/test/helpers';
import { createStream, publish } from '../workers/test/origin';
import { createEndpoint } from '../workers/test/webhooks';
import { sealLegacySecrets } from './seal-legacy';
import { isSealed, openSecret, sealSecret } from './secret-box';

/** Every row of every table, as a backup holds them. */
async function backup(): Promise<string> {
  const tables = await env.DB.prepare(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`,
  ).all<{ name: string }>();
  const rows: unknown[] = [];
  for (const { name } of tables.results) rows.push(...(await env.DB.prepare(`SELECT * FROM "${name}"`).all()).results);
  return JSON.stringify(rows);
}

describe('secrets at rest', () => {
  it('a D1 backup read as plain rows shows no stream key or webhook secret', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token);
    const reset = await call(`/v1/streams/${s.id}/reset-stream-key`, { method: 'POST', auth: t.key.token });
    expect(reset.status, reset.text).toBe(200);
    const ep = await createEndpoint(t.key.token);
    const rotated = await call(`/v1/webhook-endpoints/${ep.id}/rotate-secret`, { method: 'POST', auth: t.key.token });
    expect(rotated.status, rotated.text).toBe(200);

    const dump = await backup();
    for (const secret of [s.stream_key, reset.json.stream_key, ep.secret, rotated.json.secret]) {
      expect(secret).toBeTruthy();
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice(6)); // the random part, whatever the prefix
    }
    // Still usable: the owner reads the key back, the origin publishes with it.
    expect((await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json.stream_key).toBe(reset.json.stream_key);
    expect((await publish(reset.json.stream_key)).status).toBe(200);
  });

  it('shows the stream key on one stream, never in lists', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token);
    expect(s.stream_key).toMatch(/^lsk_/);
    const list = (await call('/v1/streams', { auth: t.key.token })).json.data as { id: string; stream_key: unknown }[];
    expect(list.find((x) => x.id === s.id)!.stream_key).toBeNull();
  });

  it('reads rows from before encryption, and seals them on the next sweep', async () => {
    const t = await tenant();
    const s = await createStream(t.key.token);
    const ep = await createEndpoint(t.key.token);
    await env.DB.prepare('UPDATE streams SET stream_key = ? WHERE id = ?').bind(s.stream_key, s.id).run();
    await env.DB.prepare('UPDATE webhook_endpoints SET secret = ? WHERE id = ?').bind(ep.secret, ep.id).run();
    expect((await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json.stream_key).toBe(s.stream_key);
    expect((await publish(s.stream_key)).status).toBe(200);

    expect(await sealLegacySecrets(env)).toBeGreaterThanOrEqual(2);
    const row = await env.DB.prepare('SELECT stream_key FROM streams WHERE id = ?')
      .bind(s.id)
      .first<{ stream_key: string }>();
    const e = await env.DB.prepare('SELECT secret FROM webhook_endpoints WHERE id = ?')
      .bind(ep.id)
      .first<{ secret: string }>();
    expect(isSealed(row!.stream_key) && isSealed(e!.secret)).toBe(true);
    expect((await call(`/v1/streams/${s.id}`, { auth: t.key.token })).json.stream_key).toBe(s.stream_key);
  });

  it('seals with a fresh IV, and refuses a tampered value, another key, or another purpose', async () => {
    const a = await sealSecret(env, 'stream_key', 'lsk_abc');
    const b = await sealSecret(env, 'stream_key', 'lsk_abc');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^enc:v1:/);
    expect(await openSecret(env, 'stream_key', a)).toBe('lsk_abc');
    const tampered = `${a.slice(0, -2)}${a.endsWith('A') ? 'B' : 'A'}${a.slice(-1)}`;
    await expect(openSecret(env, 'stream_key', tampered)).rejects.toThrow();
    await expect(
      openSecret({ DATA_ENCRYPTION_KEY: 'another-key-0123456789abcdef0123' }, 'stream_key', a),
    ).rejects.toThrow();
    await expect(openSecret(env, 'webhook_secret', a)).rejects.toThrow();
  });
});
