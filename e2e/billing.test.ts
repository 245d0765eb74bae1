import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { type ApiStream, createStream, fetchText, PlaylistWatcher, parseMaster, until } from './harness/live.ts';
import { StripeStandin } from './harness/stripe-standin.ts';

/**
 * Plans where they bite, with the real parts: on the `free` plan a second concurrent publish from a
 * real `ffmpeg` through NGINX-RTMP is refused at `on_publish` (402 from the Worker, an event in
 * the API) while the first keeps playing; the console's Usage page shows the plan and its limits,
 * and its upgrade button goes through Checkout, the Worker calling Stripe's SDK against the local
 * Stripe stand-in, whose "payment" posts a signed `checkout.session.completed` back; on `pro` the
 * second publish goes through; its "Manage payment" button opens Stripe's customer portal (the
 * stand-in's page, for the customer the payment made) and the portal sends the browser back; the
 * app's own Usage page shows its month per stream and its storage by kind.
 * Screenshots: e2e/screenshots/usage-*.png.
 *
 * Ports (this file's own): Worker 20600, console 20601, RTMP 20602, Stripe stand-in 20603.
 */
const PORTS = { api: 20600, console: 20601 };
const RTMP_PORT = 20602;
const STRIPE = { port: 20603, webhookSecret: 'whsec_e2e_billing_standin', pro: 'price_standin_pro' };

let stack: ConsoleStack;
let stripe: StripeStandin;
let browser: Browser;
let page: Page;
const publishers: ChildProcess[] = [];

beforeAll(async () => {
  stripe = new StripeStandin(STRIPE.port, {
    url: `http://127.0.0.1:${PORTS.api}/v1/billing/stripe/webhook`,
    secret: STRIPE.webhookSecret,
  });
  await stripe.up();
  stack = await startConsoleStack(PORTS, {
    rtmpPort: RTMP_PORT,
    vars: {
      STRIPE_SECRET_KEY: 'sk_test_e2e_standin',
      STRIPE_API_BASE: stripe.url,
      STRIPE_WEBHOOK_SECRET: STRIPE.webhookSecret,
      STRIPE_PRICE_PRO: STRIPE.pro,
      STRIPE_PRICE_BUSINESS: 'price_standin_business',
    },
  });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});

afterAll(async () => {
  for (const p of publishers) p.kill('SIGKILL');
  await Promise.all(publishers.map((p) => waitExit(p)));
  await browser?.close();
  await stack?.stop();
  await stripe?.down();
});

const publish = (stream: ApiStream) => {
  const p = startTestPublisher(`${stack.origin!.rtmpUrl}/${stream.stream_key}`, { size: '640x360' });
  publishers.push(p);
  return p;
};
const master = (s: ApiStream) => `${stack.worker.url}/hls/${s.playback_ids[0]!.id}.m3u8`;
const isLive = async (s: ApiStream) => (await fetchText(master(s))).status === 200;

describe('plans and billing, end to end', () => {
  it('refuses a second live stream on free, keeps the first playing, and lets it through after a Checkout upgrade', async () => {
    const { demo, api, console: session } = stack.stack;
    const orgId = demo.account.org_id;
    await session.call('PUT', `/v1/orgs/${orgId}/subscription`, { plan: 'free' });
    // One small rung under free's 720p cap (a capped ladder drops the passthrough source).
    const a = await createStream(api, { name: 'first show', ladder: ['240p'] });
    const b = await createStream(api, { name: 'second show', ladder: ['240p'] });

    publish(a);
    await until('stream A live', () => isLive(a), 30_000);
    const [variant] = parseMaster((await fetchText(master(a))).text);
    const watcher = new PlaylistWatcher(new URL(variant!.uri, master(a)).toString()).start(500);

    // The second publish: NGINX asks on_publish, the Worker answers 402, NGINX drops ffmpeg.
    const started = Date.now();
    const second = publish(b);
    await Promise.race([waitExit(second), new Promise((r) => setTimeout(r, 10_000))]);
    const exitedAt = Date.now();
    const refusedMs = exitedAt - started;
    expect(second.exitCode ?? second.signalCode, 'second publisher dropped').not.toBeNull();
    console.log(`second publish refused after ${refusedMs} ms (ffmpeg start to exit)`);
    // From spawning ffmpeg to its exit: ffmpeg's own start-up is most of it on a busy machine.
    expect(refusedMs).toBeLessThan(5_000);
    const events = await api.call<{ data: { type: string; data: Record<string, unknown> }[] }>(
      'GET',
      '/v1/events?type=stream.publish_refused',
    );
    expect(events.data[0]?.data).toMatchObject({
      id: b.id,
      error: { code: 'plan_limit_exceeded', details: { limit: 'live_streams', used: 1, allowed: 1 } },
    });
    expect(await isLive(b)).toBe(false);
    // The stream's session log has the refused publish with the same reason.
    const log = await api.call<{ data: { status: string; started_at: string; refusal: unknown }[] }>(
      'GET',
      `/v1/streams/${b.id}/sessions`,
    );
    expect(log.data[0]).toMatchObject({
      status: 'refused',
      refusal: { code: 'plan_limit_exceeded', details: { limit: 'live_streams', used: 1, allowed: 1 } },
    });
    // The refused session's time is the Worker's decision (same clock): from it to ffmpeg's exit is
    // the answer's way back through the agent and NGINX dropping the connection, without ffmpeg's
    // start-up (bench/publish-refusal.ts times the whole wire; the bound here is loose for a busy CI).
    const dropMs = exitedAt - Date.parse(log.data[0]!.started_at);
    console.log(`refusal to drop: ${dropMs} ms`);
    expect(dropMs).toBeLessThan(2_000);

    // The first keeps playing: new segments after the refusal.
    const before = watcher.maxSequence;
    await until('stream A advancing after the refusal', () => watcher.maxSequence >= before + 2, 20_000);
    watcher.stop();

    // The Cron Trigger's storage sample (stream A's live segments and frames so far), by kind.
    await stack.worker.runScheduled();

    // The console: plan, limits, and the upgrade through Checkout (the Stripe stand-in).
    await page.goto(`${stack.console.url}/sign-in`);
    await page.getByLabel('Email').fill(demo.account.email);
    await page.getByLabel('Password').fill(demo.account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    // Stream B's page: its session log shows the refused publish and why.
    await page.goto(`${stack.console.url}/apps/${demo.app.id}/streams/${b.id}`);
    const sessions = page.getByRole('region', { name: 'Sessions and recordings' });
    await sessions.getByText('refused', { exact: true }).waitFor();
    await sessions.getByText(/The Free plan allows 1 for live streams/).waitFor();
    await sessions.scrollIntoViewIfNeeded();
    await screenshot(page, 'usage-00-refused-session');
    await page.goto(`${stack.console.url}/orgs/${orgId}/usage`);
    const plan = page.getByRole('region', { name: 'Plan' });
    await plan.getByRole('heading', { name: /Free/ }).waitFor();
    const limits = page.getByRole('region', { name: 'Limits' });
    await limits.getByText('1 of 1').waitFor();
    await page.locator('figure.time-chart canvas').first().waitFor();
    await page
      .getByRole('region', { name: 'Storage by kind' })
      .getByRole('cell', { name: 'Live segments (DVR)' })
      .waitFor();
    const upgrade = plan.getByRole('button', { name: /Upgrade to Pro/ });
    await upgrade.waitFor();
    await screenshot(page, 'usage-01-free-plan');

    await upgrade.click();
    await page.getByRole('heading', { name: 'Stand-in Checkout' }).waitFor();
    const created = stripe.requests.find((r) => r.path === '/v1/checkout/sessions');
    expect(created?.authorization).toBe('Bearer sk_test_e2e_standin');
    expect(created?.form.get('line_items[0][price]')).toBe(STRIPE.pro);
    expect(created?.form.get('client_reference_id')).toBe(orgId);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByText('Payment received by Stripe').waitFor();
    expect(stripe.deliveries).toMatchObject([{ type: 'checkout.session.completed', status: 200 }]);
    expect(JSON.parse(stripe.deliveries[0]!.body)).toMatchObject({ applied: true });
    await plan.getByRole('heading', { name: /Pro/ }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'usage-02-after-checkout');
    const sub = await session.call<{ plan: { id: string }; billing: string }>('GET', `/v1/orgs/${orgId}/subscription`);
    expect(sub).toMatchObject({ plan: { id: 'pro' }, billing: 'stripe' });

    // Paid through Stripe, the org now has a customer: "Manage payment" opens Stripe's customer
    // portal for it (the SDK against the stand-in) and the portal sends the browser back here.
    await plan.getByRole('button', { name: 'Manage payment' }).click();
    await page.getByRole('heading', { name: 'Stand-in customer portal' }).waitFor();
    const opened = stripe.requests.find((r) => r.path === '/v1/billing_portal/sessions');
    expect(opened?.authorization).toBe('Bearer sk_test_e2e_standin');
    expect(opened?.form.get('customer')).toMatch(/^cus_/);
    expect(opened?.form.get('return_url')).toBe(`${stack.console.url}/orgs/${orgId}/usage`);
    expect(await page.locator('code').textContent()).toBe(opened?.form.get('customer'));
    await screenshot(page, 'usage-03-customer-portal');
    await page.getByRole('link', { name: 'Return to the console' }).click();
    await plan.getByRole('heading', { name: /Pro/ }).waitFor();
    expect(page.url()).toBe(`${stack.console.url}/orgs/${orgId}/usage`);

    // On pro, the same second publish goes through.
    publish(b);
    await until('stream B live on pro', () => isLive(b), 30_000);
    expect(await isLive(a)).toBe(true);

    // The app's own Usage page, reached from the app: its charts, per-stream rows, the org's limits.
    await page.goto(`${stack.console.url}/apps/${demo.app.id}`);
    await page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'Usage' }).click();
    await page.getByRole('heading', { name: 'Usage', exact: true }).waitFor();
    await page.locator('figure.time-chart canvas').first().waitFor();
    const perStream = page.getByRole('region', { name: 'Usage per stream' });
    await perStream.getByRole('row', { name: /first show/ }).waitFor();
    await page
      .getByRole('region', { name: 'Limits' })
      .getByRole('heading', { name: /Pro plan/ })
      .waitFor();
    await page
      .getByRole('region', { name: 'Storage by kind' })
      .getByRole('cell', { name: 'Thumbnails and frames' })
      .waitFor();
    await screenshot(page, 'usage-04-app-usage');
  }, 120_000);
});
