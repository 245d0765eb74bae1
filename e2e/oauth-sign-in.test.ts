import { calculatePKCECodeChallenge, generateRandomCodeVerifier } from 'oauth4webapi';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../scripts/lib/api-client.ts';
import { type OpenIdProvider, startOpenIdProvider } from '../scripts/lib/openid-provider.ts';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';

/**
 * "Sign in with Google" and "Sign in with GitHub" from the console, in Chromium, against a real
 * OpenID Provider on 127.0.0.1 (oidc-provider): the whole redirect dance, the provider's own login
 * page, the Worker's code exchange with PKCE, and the session the console then uses. Tampering
 * with state or with the PKCE challenge is refused; linking needs the provider to vouch for the email.
 */
const PORTS = { api: 20201, console: 20202 };
const OP_PORT = 20203;
const GITHUB_PORT = 20204;
const API = `http://127.0.0.1:${PORTS.api}`;

let op: OpenIdProvider;
let stack: ConsoleStack;
let browser: Browser;

beforeAll(async () => {
  op = await startOpenIdProvider({
    port: OP_PORT,
    githubPort: GITHUB_PORT,
    redirectUris: [`${API}/v1/auth/oauth/google/callback`, `${API}/v1/auth/oauth/github/callback`],
  });
  stack = await startConsoleStack(PORTS, {
    vars: {
      OAUTH_GOOGLE_CLIENT_ID: op.clientId,
      OAUTH_GOOGLE_CLIENT_SECRET: op.clientSecret,
      OAUTH_GOOGLE_ISSUER: op.issuer,
      OAUTH_GITHUB_CLIENT_ID: op.clientId,
      OAUTH_GITHUB_CLIENT_SECRET: op.clientSecret,
      OAUTH_GITHUB_URL: op.githubUrl,
      OAUTH_GITHUB_API_URL: op.githubApiUrl,
    },
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await op?.stop();
});

interface MeBody {
  user?: { id: string; email: string; email_verified: boolean };
  error?: { code: string };
}

async function fresh(): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  return { ctx, page: await ctx.newPage() };
}

/** The provider's own (development) login form: any login name, which picks the account. */
async function providerLogin(page: Page, login: string) {
  await page.locator('input[name="login"]').waitFor();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
}

const me = (page: Page) =>
  page.evaluate(async (api) => {
    const res = await fetch(`${api}/v1/auth/me`, { credentials: 'include' });
    return (await res.json()) as MeBody;
  }, API);

/**
 * Starts a flow the way the browser would, but reads the Worker's redirect instead of following
 * it, so the test can change the authorization request (Playwright does not intercept redirects);
 * the flow cookie goes into the browser as the Worker set it.
 */
async function startOutsideTheBrowser(ctx: BrowserContext): Promise<URL> {
  const res = await fetch(`${API}/v1/auth/oauth/google/start`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('edgelive_oauth='))!;
  const value = cookie.split(';')[0]!.slice('edgelive_oauth='.length);
  await ctx.addCookies([
    { name: 'edgelive_oauth', value, domain: '127.0.0.1', path: '/v1/auth/oauth', httpOnly: true, sameSite: 'Lax' },
  ]);
  return new URL(res.headers.get('location')!);
}

/** The JSON error the Worker answered on a callback the browser landed on. */
const errorOnPage = async (page: Page) => JSON.parse((await page.locator('body').textContent()) || '{}') as MeBody;

describe('sign in with a provider, in Chromium', () => {
  const email = `grace-${Date.now()}@example.com`;
  let userId = '';

  it('"Sign in with Google" creates a verified account and signs the console in', async () => {
    const { ctx, page } = await fresh();
    await page.goto(`${stack.console.url}/sign-in`);
    await page.getByRole('link', { name: 'Sign in with Google' }).waitFor();
    await screenshot(page, 'oauth-01-sign-in-buttons');
    await page.getByRole('link', { name: 'Sign in with Google' }).click();
    await page.waitForURL((u) => u.port === String(OP_PORT));
    await screenshot(page, 'oauth-02-provider-login');
    await providerLogin(page, email);
    // Back on the console, signed in: the shell lands on the new account's (empty) apps page.
    await page.waitForURL(/127\.0\.0\.1:20202\/orgs\/org_[^/]+\/apps$/, { timeout: 30_000 });
    await page.getByRole('heading', { name: 'No apps yet' }).waitFor();
    await screenshot(page, 'oauth-03-signed-in');
    const body = await me(page);
    expect(body.user?.email).toBe(email);
    expect(body.user?.email_verified).toBe(true);
    userId = body.user!.id;
    await ctx.close();
  });

  it('signing in again finds the same account (the provider subject is linked)', async () => {
    const { ctx, page } = await fresh();
    await page.goto(`${API}/v1/auth/oauth/google/start?return_to=${encodeURIComponent(`${stack.console.url}/`)}`);
    await providerLogin(page, email);
    await page.waitForURL((u) => u.port === String(PORTS.console), { timeout: 30_000 });
    expect((await me(page)).user?.id).toBe(userId);
    await ctx.close();
  });

  it('a callback carrying another state is refused, with a real code and nothing signed in', async () => {
    const { ctx, page } = await fresh();
    const authorize = await startOutsideTheBrowser(ctx);
    // The state the provider sends back is not the one this browser's flow holds.
    authorize.searchParams.set('state', `${authorize.searchParams.get('state')}x`);
    await page.goto(authorize.href);
    await providerLogin(page, email);
    await page.waitForURL((u) => u.port === String(PORTS.api) && u.pathname.endsWith('/callback'));
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    expect((await errorOnPage(page)).error?.code).toBe('oauth_state_mismatch');
    expect((await me(page)).error?.code).toBe('unauthorized');
    // The refusal spent the flow: the cookie that held its state and verifier is gone.
    expect((await ctx.cookies(API)).map((c) => c.name)).not.toContain('edgelive_oauth');
    await ctx.close();
  });

  it('a swapped PKCE challenge makes the provider refuse the code', async () => {
    const { ctx, page } = await fresh();
    const authorize = await startOutsideTheBrowser(ctx);
    // An attacker's challenge: the code is bound to it, and the Worker's verifier does not match.
    authorize.searchParams.set('code_challenge', await calculatePKCECodeChallenge(generateRandomCodeVerifier()));
    await page.goto(authorize.href);
    await providerLogin(page, email);
    await page.waitForURL((u) => u.port === String(PORTS.api) && u.pathname.endsWith('/callback'));
    const err = await errorOnPage(page);
    expect(err.error?.code).toBe('oauth_code_refused');
    expect((err.error as { details?: { error?: string } }).details?.error).toBe('invalid_grant');
    expect((await me(page)).error?.code).toBe('unauthorized');
    await ctx.close();
  });

  it('an existing account is linked only when the provider verified the email', async () => {
    const taken = `linus-${Date.now()}@example.com`;
    const reg = await new ApiClient(API).call<{ token: string; user: { id: string } }>('POST', '/v1/auth/register', {
      email: taken,
      password: 'correct horse battery',
      name: 'Linus',
    });
    // Unverified at the provider: refused, no account touched.
    op.setAccount(taken, { email_verified: false });
    const first = await fresh();
    await first.page.goto(`${API}/v1/auth/oauth/google/start`);
    await providerLogin(first.page, taken);
    await first.page.waitForURL((u) => u.pathname.endsWith('/callback'));
    expect((await errorOnPage(first.page)).error?.code).toBe('oauth_email_unverified');
    const stillIn = await new ApiClient(API, reg.token).request('GET', '/v1/auth/me');
    expect(stillIn.status).toBe(200);
    await first.ctx.close();
    // Verified: linked to that account. It had never proved the address, so its password sessions end.
    op.setAccount(taken, { email_verified: true });
    const second = await fresh();
    await second.page.goto(
      `${API}/v1/auth/oauth/google/start?return_to=${encodeURIComponent(`${stack.console.url}/`)}`,
    );
    await providerLogin(second.page, `${taken}`);
    await second.page.waitForURL((u) => u.port === String(PORTS.console), { timeout: 30_000 });
    const linked = await me(second.page);
    expect(linked.user?.id).toBe(reg.user.id);
    expect(linked.user?.email_verified).toBe(true);
    expect((await new ApiClient(API, reg.token).request('GET', '/v1/auth/me')).status).toBe(401);
    await second.ctx.close();
  });

  it('"Sign in with GitHub" (OAuth 2 on GitHub\'s paths, then /user and /user/emails) creates its own account', async () => {
    const { ctx, page } = await fresh();
    const login = `octo-${Date.now()}@example.com`;
    await page.goto(`${stack.console.url}/sign-in`);
    await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
    await page.waitForURL((u) => u.port === String(GITHUB_PORT));
    await providerLogin(page, login);
    await page.waitForURL(/127\.0\.0\.1:20202\/orgs\/org_[^/]+\/apps$/, { timeout: 30_000 });
    const body = await me(page);
    expect(body.user?.email).toBe(login);
    expect(body.user?.email_verified).toBe(true);
    await ctx.close();
  });

  it('a return_to off the console is refused before the provider is involved', async () => {
    const res = await fetch(
      `${API}/v1/auth/oauth/google/start?return_to=${encodeURIComponent('https://evil.example/')}`,
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as MeBody).error?.code).toBe('invalid_return_to');
    const unknown = await fetch(`${API}/v1/auth/oauth/myspace/start`, { redirect: 'manual' });
    expect(unknown.status).toBe(404);
  });
});
