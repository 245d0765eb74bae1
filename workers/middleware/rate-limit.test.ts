import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../core/env';
import { call, createApp, register } from '../test/helpers';

/** Rate limits: a burst past a key's limit gets 429 with the headers; nobody else is affected. */

/** Windows are fixed minutes: start a burst well inside one so it is counted in one window. */
async function awayFromWindowEdge() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 8_000) await new Promise((r) => setTimeout(r, left + 200));
}
async function keyWithLimit(limit: number) {
  const acct = await register();
  const app = await createApp(acct);
  const res = await call(`/v1/apps/${app.id}/api-keys`, {
    auth: acct.token,
    body: { name: 'limited', rate_limit_per_minute: limit },
  });
  expect(res.status, res.text).toBe(201);
  return res.json.token as string;
}

describe('API rate limits', () => {
  it('a burst past the key’s limit gets 429 with Retry-After and RateLimit-*; other keys are unaffected', async () => {
    const limited = await keyWithLimit(5);
    const other = await keyWithLimit(5);
    await awayFromWindowEdge();
    const answers = await Promise.all(Array.from({ length: 8 }, () => call('/v1/streams', { auth: limited })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const ok = answers.find((a) => a.status === 200)!;
    expect(ok.headers.get('ratelimit-limit')).toBe('5');
    expect(Number(ok.headers.get('ratelimit-remaining'))).toBeLessThan(5);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.json.error.code).toBe('rate_limited');
    const retry = Number(refused.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(refused.headers.get('ratelimit-reset')).toBe(String(retry));
    expect(refused.headers.get('ratelimit-policy')).toBe('5;w=60');

    const untouched = await call('/v1/streams', { auth: other });
    expect(untouched.status).toBe(200);
    expect(untouched.headers.get('ratelimit-remaining')).toBe('4');
  });

  it('anonymous calls are limited per address; another address is unaffected', async () => {
    const from = (ip: string) => call('/v1/auth/login', { body: { email: 'x' }, headers: { 'cf-connecting-ip': ip } });
    const answers: number[] = [];
    await awayFromWindowEdge();
    // The development value from scripts/lib/local-secrets.ts (production's default is 120).
    const limit = Number((env as Env).ANON_RATE_LIMIT_PER_MINUTE);
    expect(limit).toBe(1200);
    for (let i = 0; i < limit; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => from('198.51.100.177')));
      answers.push(...batch.map((b) => b.status));
    }
    expect([...new Set(answers)]).toEqual([400]);
    const over = await from('198.51.100.177');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await from('198.51.100.178')).status).toBe(400);
  });
});
