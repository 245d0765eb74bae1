import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../app';

const ctx = {
  waitUntil: () => undefined,
  passThroughOnException: () => undefined,
  props: {},
} as unknown as ExecutionContext;

describe('production secrets', () => {
  it('refuses to serve a production deployment that still has the development secrets', async () => {
    const res = await app.fetch(new Request('http://x/v1/openapi.json'), { ...env, ENVIRONMENT: 'production' }, ctx);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('server_misconfigured');
    expect(body.error.message).toContain('SESSION_SECRET');
  });

  it('serves production once every secret is real', async () => {
    const real = 'r'.repeat(48);
    const prod = {
      ...env,
      ENVIRONMENT: 'production',
      SESSION_SECRET: real,
      PLAYBACK_GRANT_SECRET: real,
      MEDIA_KEY_SECRET: real,
      DATA_ENCRYPTION_KEY: real,
    };
    expect((await app.fetch(new Request('http://x/v1/openapi.json'), prod, ctx)).status).toBe(200);
  });

  it('runs on the development secrets outside production', async () => {
    // Locally: development values serve only a local host (see production-guard.test.ts).
    expect((await app.fetch(new Request('http://127.0.0.1:8787/v1/openapi.json'), env, ctx)).status).toBe(200);
  });
});
