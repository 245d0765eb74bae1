import { env, exports } from 'cloudflare:workers';
import { expect } from 'vitest';

/**
 * Test helpers that drive the Worker through its real fetch handler, the way a client would.
 * Every helper makes unique names so test files never collide on shared state.
 */
let counter = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

export const BASE = 'http://edgelive.test';

export interface CallOptions {
  method?: string;
  body?: unknown;
  raw?: BodyInit;
  auth?: string;
  headers?: Record<string, string>;
}

export async function call(path: string, opts: CallOptions = {}) {
  const headers: Record<string, string> = { 'cf-connecting-ip': '203.0.113.9', ...opts.headers };
  if (opts.auth) headers.authorization = opts.auth.startsWith('Basic ') ? opts.auth : `Bearer ${opts.auth}`;
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const res = await exports.default.fetch(
    new Request(`${BASE}${path}`, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body }),
  );
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Asserts the one error envelope and returns its code. */
export function expectError(res: { status: number; json: any }, status: number, code?: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  if (code) expect(res.json.error.code).toBe(code);
  return res.json.error.code as string;
}

export interface Account {
  token: string;
  userId: string;
  orgId: string;
  email: string;
  password: string;
}

/**
 * Marks an address verified as the mailed link would (tests inside workerd have no mail server;
 * e2e/accounts-email.test.ts proves the link itself through a real SMTP server).
 */
export async function markVerified(userId: string) {
  await env.DB.prepare('UPDATE users SET email_verified_at = ? WHERE id = ?').bind(Date.now(), userId).run();
}

/** A new console account; verified unless `verified: false` (most tests are not about verification). */
export async function register(name = unique('user'), opts: { verified?: boolean } = {}): Promise<Account> {
  const email = `${name}@example.com`;
  const password = 'correct horse battery';
  const res = await call('/v1/auth/register', { body: { email, password, name } });
  expect(res.status, res.text).toBe(201);
  if (opts.verified !== false) await markVerified(res.json.user.id);
  return { token: res.json.token, userId: res.json.user.id, orgId: res.json.orgs[0].id, email, password };
}

export async function createApp(acct: Account, name = unique('app')) {
  const res = await call('/v1/apps', { auth: acct.token, body: { org_id: acct.orgId, name } });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; org_id: string; name: string };
}

export async function createApiKey(acct: Account, appId: string) {
  const res = await call(`/v1/apps/${appId}/api-keys`, { auth: acct.token, body: { name: 'test key' } });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; token: string; secret: string };
}

/** An account with an app and an API key for it: the usual starting point of a customer test. */
export async function tenant() {
  const acct = await register();
  const app = await createApp(acct);
  const key = await createApiKey(acct, app.id);
  return { acct, app, key };
}
