import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../workers/test/helpers';
import { isPrivateHost, webhookUrlProblem } from './webhook-url';

const prod = { ENVIRONMENT: 'production', WEBHOOK_ALLOW_PRIVATE: 'true' };
const dev = { ENVIRONMENT: 'development', WEBHOOK_ALLOW_PRIVATE: 'true' };
const devStrict = { ENVIRONMENT: 'development' };

describe('webhook URL policy', () => {
  it('recognises loopback, private, link-local and local names in every spelling', () => {
    for (const u of [
      'http://127.0.0.1/',
      'http://localhost:8080/',
      'http://LOCALHOST./',
      'http://api.localhost/',
      'http://10.1.2.3/',
      'http://172.16.0.1/',
      'http://172.31.255.255/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://017700000001/',
      'http://printer.local/',
      'http://intranet/',
      'http://db.internal/',
    ]) {
      expect(isPrivateHost(new URL(u).hostname), u).toBe(true);
    }
    for (const u of [
      'https://example.com/',
      'https://8.8.8.8/',
      'https://172.32.0.1/',
      'https://[2606:4700::1111]/',
      'https://hooks.example.co.uk/',
    ]) {
      expect(isPrivateHost(new URL(u).hostname), u).toBe(false);
    }
  });

  it('refuses private targets in production whatever the allow flag says, and http too', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8900/hook', prod)).toMatch(/loopback.*production/);
    expect(webhookUrlProblem('https://localhost/hook', prod)).toMatch(/production/);
    expect(webhookUrlProblem('http://example.com/hook', prod)).toMatch(/https/);
    expect(webhookUrlProblem('https://example.com/hook', prod)).toBeNull();
  });

  it('allows them in development only when configured explicitly', () => {
    expect(webhookUrlProblem('http://127.0.0.1:8900/hook', dev)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:8900/hook', devStrict)).toMatch(/WEBHOOK_ALLOW_PRIVATE/);
  });
});

describe('the API in production mode', () => {
  const original = { ...env };
  afterEach(() => {
    Object.assign(env, original);
  });

  it('refuses a loopback receiver with 400, on create and on update', async () => {
    const { key } = await tenant();
    const ok = await call('/v1/webhook-endpoints', { auth: key.token, body: { url: 'http://127.0.0.1:8910/hook' } });
    expect(ok.status, ok.text).toBe(201);
    // Production refuses to run on the development secrets, so give it real ones.
    Object.assign(env, {
      ENVIRONMENT: 'production',
      SESSION_SECRET: 's'.repeat(48),
      PLAYBACK_GRANT_SECRET: 'g'.repeat(48),
      MEDIA_KEY_SECRET: 'm'.repeat(48),
      DATA_ENCRYPTION_KEY: 'd'.repeat(48),
    });
    const refused = await call('/v1/webhook-endpoints', {
      auth: key.token,
      body: { url: 'http://127.0.0.1:8910/hook' },
    });
    expectError(refused, 400, 'invalid_request');
    expect(refused.json.error.message).toMatch(/loopback/);
    expectError(await call('/v1/webhook-endpoints', { auth: key.token, body: { url: 'https://[::1]/hook' } }), 400);
    expectError(
      await call(`/v1/webhook-endpoints/${ok.json.id}`, {
        method: 'PATCH',
        auth: key.token,
        body: { url: 'https://10.0.0.8/h' },
      }),
      400,
    );
    expect(
      (await call('/v1/webhook-endpoints', { auth: key.token, body: { url: 'https://example.com/hook' } })).status,
    ).toBe(201);
  });
});
