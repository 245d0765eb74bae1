import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../app';
import { isLocalHost, REQUIRED_SECRETS } from '../lib/dev-secrets';

const ctx = {
  waitUntil: () => undefined,
  passThroughOnException: () => undefined,
  props: {},
} as unknown as ExecutionContext;

const PUBLIC = 'https://edgelive.example.com/v1/openapi.json';
const real = (name: string) => `${name.toLowerCase()}-${'r'.repeat(40)}`;
/** A deployment as an operator leaves it after README "Deploying": production, every secret real. */
const deployed = () => ({
  ...env,
  ENVIRONMENT: 'production',
  WEBHOOK_ALLOW_PRIVATE: undefined,
  ...Object.fromEntries(REQUIRED_SECRETS.map((n) => [n, real(n)])),
});

const status = async (url: string, e: object) => (await app.fetch(new Request(url), e as typeof env, ctx)).status;

describe('the production guard fails closed', () => {
  it('refuses to serve a public host while any secret is a dev-only value, whatever ENVIRONMENT says', async () => {
    expect(await status(PUBLIC, deployed())).toBe(200);
    for (const name of REQUIRED_SECRETS) {
      for (const environment of ['production', 'development', undefined]) {
        const e = { ...deployed(), ENVIRONMENT: environment, [name]: env[name] };
        expect(env[name]).toMatch(/^dev-only-/);
        const res = await app.fetch(new Request(PUBLIC), e as typeof env, ctx);
        expect(res.status, `${name} with ENVIRONMENT=${environment}`).toBe(503);
        expect(((await res.json()) as { error: { message: string } }).error.message).toContain(name);
      }
    }
  });

  it('refuses development settings and private webhook targets off a local host', async () => {
    expect(await status(PUBLIC, { ...deployed(), ENVIRONMENT: 'development' })).toBe(503);
    expect(await status(PUBLIC, { ...deployed(), ENVIRONMENT: undefined })).toBe(503);
    expect(await status(PUBLIC, { ...deployed(), ENVIRONMENT: 'staging', WEBHOOK_ALLOW_PRIVATE: 'true' })).toBe(503);
    // The local development values serve only loopback names.
    expect(await status(PUBLIC, env)).toBe(503);
    expect(await status('http://127.0.0.1:8787/v1/openapi.json', env)).toBe(200);
    expect(await status('http://localhost:8787/v1/openapi.json', env)).toBe(200);
  });

  it('knows which hosts are local', () => {
    for (const h of ['localhost', '127.0.0.1', '127.5.0.9', '[::1]', 'app.localhost', 'edgelive.test'])
      expect(isLocalHost(h), h).toBe(true);
    for (const h of ['edgelive.example.com', 'x', '10.0.0.1', '127.0.0.1.nip.io', 'localhost.example.com', '::2'])
      expect(isLocalHost(h), h).toBe(false);
  });
});
