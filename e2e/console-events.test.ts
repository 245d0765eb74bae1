import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { WebhookReceiver } from './harness/webhook-receiver.ts';

/**
 * The console's events browser in a real browser against the real Worker: events of two streams,
 * filtered by type and then by the object they are about, one event's payload, and where it was
 * delivered (a webhook endpoint on 127.0.0.1 that answered 200); and app-wide chat bans made and
 * lifted from the Chat rooms page. Screenshots: e2e/screenshots/events-01-browser.png,
 * events-02-app-wide-bans.png. Ports (issue 20's range): Worker 20815, console 20816,
 * webhook receiver 20817.
 */
let stack: ConsoleStack;
let browser: Browser;
let page: Page;
const receiver = new WebhookReceiver(20817);

beforeAll(async () => {
  stack = await startConsoleStack({ api: 20815, console: 20816 }, { vars: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
  await receiver.up();
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await receiver.down();
  await stack?.stop();
});

describe('console: events browser', () => {
  it('filters by type and object, shows the payload and the event’s deliveries', async () => {
    const api = stack.stack.api;
    const endpoint = await api.call<{ id: string; secret: string }>('POST', '/v1/webhook-endpoints', {
      url: receiver.url,
      event_types: ['stream.*'],
    });
    receiver.secrets = [endpoint.secret];
    const created = () =>
      [...receiver.acked.values()].filter((r) => (JSON.parse(r.body) as { type: string }).type === 'stream.created');
    const first = await api.call<{ id: string }>('POST', '/v1/streams', { name: 'Events one' });
    const second = await api.call<{ id: string }>('POST', '/v1/streams', { name: 'Events two' });
    await api.call('PATCH', `/v1/streams/${second.id}`, { name: 'Events two, renamed' });
    // Both streams' stream.created reached the endpoint before the page looks for the deliveries.
    for (const end = Date.now() + 30_000; created().length < 2; ) {
      if (Date.now() > end) throw new Error('the webhook deliveries never arrived');
      await new Promise((r) => setTimeout(r, 200));
    }

    const demo = stack.stack.demo;
    await page.goto(`${stack.console.url}/sign-in`);
    await page.getByLabel('Email').fill(demo.account.email);
    await page.getByLabel('Password').fill(demo.account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    await page.goto(`${stack.console.url}/apps/${demo.app.id}`);
    await page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();

    const rows = page.getByRole('table', { name: 'Events' }).locator('tbody tr');
    await rows.filter({ hasText: 'stream.updated' }).first().waitFor();
    await page.getByLabel('Type').selectOption('stream.created');
    await expect.poll(async () => (await rows.allTextContents()).every((t) => t.includes('stream.created'))).toBe(true);
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    expect(page.url()).toContain('type=stream.created');

    // Narrow to one object from its row, then open the event.
    await rows.filter({ hasText: first.id }).getByRole('button', { name: first.id }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByRole('button', { name: 'stream.created' }).click();
    const detail = page.getByRole('region', { name: 'Event detail' });
    const payload = JSON.parse((await detail.getByTestId('payload').textContent()) ?? '{}') as {
      type: string;
      object: { id: string };
      data: { name: string };
    };
    expect(payload).toMatchObject({ type: 'stream.created', object: { id: first.id }, data: { name: 'Events one' } });
    const delivery = detail.getByRole('table', { name: 'Deliveries of this event' }).locator('tbody tr');
    await delivery.filter({ hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    expect(await delivery.count()).toBe(1);
    expect(await delivery.getByRole('link').getAttribute('href')).toBe(
      `/apps/${demo.app.id}/webhooks#endpoint-${endpoint.id}`,
    );
    await screenshot(page, 'events-01-browser');
  });

  it('bans a user from every room of the app and lifts the ban, from the Chat rooms page', async () => {
    const api = stack.stack.api;
    await page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'Chat rooms' }).click();
    const panel = page.getByRole('region', { name: 'App-wide bans' });
    const form = panel.getByRole('form', { name: 'Ban from every room' });
    await form.getByLabel('Minutes (empty: until lifted)').fill('not a number');
    await form.getByRole('button', { name: 'Ban everywhere' }).click();
    await form.getByText('Minutes must be').waitFor();
    await form.getByLabel('User id').fill('troll_42');
    await form.getByLabel('Reason').fill('spam links');
    await form.getByLabel('Minutes (empty: until lifted)').fill('90');
    await form.getByRole('button', { name: 'Ban everywhere' }).click();
    const row = panel.getByRole('table', { name: 'App-wide bans' }).getByRole('row').filter({ hasText: 'troll_42' });
    await row.waitFor();
    expect(await row.textContent()).toContain('spam links');
    const bans = await api.call<{ data: { user_id: string; until: string | null }[] }>('GET', '/v1/chat-bans');
    const ban = bans.data.find((b) => b.user_id === 'troll_42');
    // 90 minutes from now, give or take the test's own time.
    expect(Math.abs(new Date(ban!.until!).getTime() - Date.now() - 90 * 60_000)).toBeLessThan(120_000);
    await screenshot(page, 'events-02-app-wide-bans');

    await row.getByRole('button', { name: 'Lift' }).click();
    await row.waitFor({ state: 'detached' });
    const after = await api.call<{ data: { user_id: string }[] }>('GET', '/v1/chat-bans');
    expect(after.data.map((b) => b.user_id)).not.toContain('troll_42');
  });
});
