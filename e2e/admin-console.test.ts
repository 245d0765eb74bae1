import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import { ApiClient } from '../scripts/lib/api-client.ts';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { createStream, getStream, until } from './harness/live.ts';
import { localD1 } from './harness/local-d1.ts';
import { totpCode } from './harness/totp.ts';

/**
 * The operator's admin area in Chromium against the real stack (Worker, NGINX-RTMP origin, a real
 * ffmpeg publisher): the operator signs in with a TOTP code, sees the platform's live stream,
 * suspends its org from the console and the publisher is dropped within seconds, the org's key
 * gets 403, the audit log shows it; then read-only "view as" and back.
 */
const PORTS = { api: 20210, console: 20211 };
const RTMP_PORT = 20212;
const OPS = 'ops@edgelive.test';
const PASSWORD = 'operator password 1';

let stack: ConsoleStack;
let browser: Browser;
let page: Page;
let publisher: ChildProcess | null = null;
let totpSecret = '';

/** Marks an address verified straight in the Worker's local D1 (the mailed link is e2e/accounts-email's job). */
function markVerified(persistTo: string, email: string) {
  localD1(persistTo, `UPDATE users SET email_verified_at = 1 WHERE email = '${email}'`);
}

beforeAll(async () => {
  stack = await startConsoleStack(PORTS, {
    rtmpPort: RTMP_PORT,
    vars: { OPERATOR_EMAILS: OPS, WEBHOOK_ALLOW_PRIVATE: 'true' },
  });
  const anon = new ApiClient(stack.worker.url);
  const reg = await anon.call<{ token: string }>('POST', '/v1/auth/register', {
    email: OPS,
    password: PASSWORD,
    name: 'Olive Operator',
  });
  markVerified(stack.worker.persistTo, OPS);
  const ops = anon.withAuth(reg.token);
  const { secret } = await ops.call<{ secret: string }>('POST', '/v1/auth/totp/enroll');
  totpSecret = secret;
  await ops.call('POST', '/v1/auth/totp/confirm', { code: totpCode(secret, Date.now()) });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
}, 180_000);

afterAll(async () => {
  if (publisher) {
    publisher.kill('SIGKILL');
    await waitExit(publisher);
  }
  await browser?.close();
  await stack?.stop();
});

describe('the operator console', () => {
  let streamId = '';

  it('the operator signs in with password and a TOTP code, and gets the Admin area', async () => {
    await page.goto(`${stack.console.url}/sign-in`);
    await page.getByLabel('Email').fill(OPS);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The account has a second factor: the page asks for it instead of failing.
    await page.getByLabel('Authentication code').waitFor();
    await screenshot(page, 'admin-01-sign-in-code');
    // The enrolment spent the current step; the next one (within the accepted drift) signs in.
    await page.getByLabel('Authentication code').fill(totpCode(totpSecret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Organizations' }).waitFor();
  });

  it('lists the platform live stream, and suspending its org from the console drops the publisher within seconds', async () => {
    const stream = await createStream(stack.stack.api, { ladder: ['source'], playback_policies: ['public'] });
    streamId = stream.id;
    publisher = startTestPublisher(`${stack.origin!.rtmpUrl}/${stream.stream_key}`, { size: '640x360', rate: 30 });
    await until(
      'the stream to go live',
      async () => (await getStream(stack.stack.api, stream.id)).status === 'active',
      60_000,
      500,
    );

    await page.getByRole('link', { name: 'Live now' }).click();
    await page.getByRole('cell', { name: stream.id }).waitFor({ timeout: 15_000 });
    await page.getByRole('link', { name: 'Organizations' }).click();
    const row = page.getByRole('row').filter({ hasText: stack.stack.demo.account.org_id });
    await row.getByRole('cell', { name: '1', exact: true }).first().waitFor();
    await screenshot(page, 'admin-02-orgs');

    await row.getByRole('button', { name: 'Suspend' }).click();
    await page.getByRole('dialog').getByLabel('Why (kept in the operator audit log)').fill('e2e: abuse report');
    const asked = Date.now();
    await page.getByRole('dialog').getByRole('button', { name: 'Suspend' }).click();
    await row.getByText('Suspended').waitFor();
    await screenshot(page, 'admin-03-suspended');
    // NGINX drops the RTMP connection once the origin's status poll hears "disabled": ffmpeg exits.
    const exited = waitExit(publisher).then(() => Date.now());
    const dropped = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(0), 20_000))]);
    expect(dropped, 'the publisher is still connected 20 s after the suspension').toBeGreaterThan(0);
    console.log(`publisher dropped ${dropped - asked} ms after the operator clicked Suspend`);
    expect(dropped - asked).toBeLessThan(10_000);
    publisher = null;

    const refused = await stack.stack.api.request<{ error: { code: string } }>('GET', '/v1/streams');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('org_suspended');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'e2e: abuse report' }).waitFor();
    await screenshot(page, 'admin-04-audit-log');
  });

  it('unsuspending gives the org its API back; the kill switch drops a live publisher', async () => {
    await page.getByRole('link', { name: 'Organizations' }).click();
    const row = page.getByRole('row').filter({ hasText: stack.stack.demo.account.org_id });
    await row.getByRole('button', { name: 'Unsuspend' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Unsuspend' }).click();
    await row.getByText('Active').waitFor();
    expect((await stack.stack.api.request('GET', '/v1/streams')).status).toBe(200);

    const stream = await getStream(stack.stack.api, streamId);
    publisher = startTestPublisher(`${stack.origin!.rtmpUrl}/${stream.stream_key}`, { size: '640x360', rate: 30 });
    await until(
      'the stream to go live again',
      async () => (await getStream(stack.stack.api, streamId)).status === 'active',
      60_000,
      500,
    );
    await page.getByRole('link', { name: 'Live now' }).click();
    const live = page.getByRole('row').filter({ hasText: streamId });
    await live.getByRole('button', { name: 'Kill' }).click();
    await page.getByRole('dialog').getByLabel('Why (kept in the operator audit log)').fill('e2e: kill switch');
    const asked = Date.now();
    await page.getByRole('dialog').getByRole('button', { name: 'Kill stream' }).click();
    const exited = waitExit(publisher).then(() => Date.now());
    const dropped = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(0), 20_000))]);
    expect(dropped, 'the publisher is still connected 20 s after the kill').toBeGreaterThan(0);
    console.log(`publisher dropped ${dropped - asked} ms after the operator clicked Kill stream`);
    publisher = null;
    expect((await getStream(stack.stack.api, streamId)).status).toBe('disabled');
  });

  it('views the demo user read-only, then ends it and is the operator again', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByLabel('Email starts with').fill('demo@');
    const row = page.getByRole('row').filter({ hasText: stack.stack.demo.account.email });
    await row.getByRole('button', { name: 'View as' }).click();
    await page
      .getByRole('dialog')
      .getByLabel('Support ticket or reason (kept in the operator audit log)')
      .fill('ticket 42');
    await page.getByRole('dialog').getByRole('button', { name: 'View as (read-only)' }).click();
    await page.getByText('(read-only). Changes are refused.').waitFor();
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    await screenshot(page, 'admin-05-view-as');
    // The browser's session is the user's now, and it cannot change anything.
    const write = await page.evaluate(async (api) => {
      const res = await fetch(`${api}/v1/apps`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ org_id: 'org_x', name: 'x' }),
      });
      return ((await res.json()) as { error: { code: string } }).error.code;
    }, stack.console.url);
    expect(write).toBe('read_only_session');
    await page.getByRole('button', { name: 'End view as' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    expect(await page.getByText('Changes are refused.').count()).toBe(0);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'ticket 42' }).waitFor();
  });

  it('sees the origin fleet and the webhook backlog, and puts up a maintenance banner everyone sees', async () => {
    await page.getByRole('link', { name: 'Origins' }).click();
    const origin = page.getByRole('row').filter({ hasText: 'orig_' });
    await origin.getByText('operational').waitFor({ timeout: 15_000 });
    await screenshot(page, 'admin-06-origins');

    // An endpoint nobody answers: the stream event waits in its queue.
    await stack.stack.api.call('POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hooks' });
    await createStream(stack.stack.api, { ladder: ['source'] });
    await page.getByRole('link', { name: 'Webhook backlog' }).click();
    await page.getByRole('cell', { name: /127\.0\.0\.1:9\/hooks/ }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'admin-07-webhook-backlog');

    await page.getByRole('link', { name: 'Maintenance' }).click();
    await page.getByLabel('Message').fill('Database upgrade at 22:00 UTC; the API may answer slowly.');
    await page.getByLabel('Level').selectOption('warning');
    await page.getByRole('button', { name: 'Put up the banner' }).click();
    const banner = page.getByRole('status', { name: 'Maintenance' });
    await banner.getByText('Database upgrade at 22:00 UTC').waitFor();
    await screenshot(page, 'admin-08-maintenance');
    // Someone signed out sees it on the sign-in page; the API reports it.
    const anon = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    const visitor = await anon.newPage();
    await visitor.goto(`${stack.console.url}/sign-in`);
    await visitor.getByRole('status', { name: 'Maintenance' }).getByText('Database upgrade').waitFor();
    await screenshot(visitor, 'admin-09-maintenance-sign-in');
    await anon.close();
    const status = await new ApiClient(stack.worker.url).call<{ maintenance: { level: string } | null }>(
      'GET',
      '/v1/status',
    );
    expect(status.maintenance?.level).toBe('warning');

    await page.getByRole('button', { name: 'Take it down' }).click();
    await page.getByText('No banner is up.').waitFor();
    expect(await banner.count()).toBe(0);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'maintenance.clear' }).waitFor();
  });
});
