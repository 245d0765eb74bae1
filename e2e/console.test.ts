import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';

/**
 * The console in a real browser against the real Worker: each flow is what a developer does on
 * their first day, and each leaves a screenshot under e2e/screenshots/.
 */
let stack: ConsoleStack;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
const email = `dev-${Date.now()}@example.com`;
const password = 'correct horse battery';
let appUrl = '';

beforeAll(async () => {
  // Ports of the console e2e range (Worker 8940-8949, console 5180-5189); console-live takes the next ones.
  stack = await startConsoleStack({ api: 8940, console: 5180 });
  browser = await launchChromium();
  owner = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await owner.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.console.url });
  page = await owner.newPage();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('console', () => {
  it('signs up, checks the form first, and lands on an empty apps page', async () => {
    await page.goto(`${stack.console.url}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    // Sent empty: the form's own checks answer, nothing goes to the API.
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Your name is required.').waitFor();
    await page.getByText('Use at least 10 characters.').first().waitFor();
    await page.getByLabel('Your name').fill('Ada Developer');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Organization name').fill('Analytical Engines');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'No apps yet' }).waitFor();
    expect(page.url()).toMatch(/\/orgs\/org_[^/]+\/apps$/);
    await screenshot(page, '01-signed-up-empty-apps');
  });

  it('creates an app', async () => {
    await page.getByRole('button', { name: 'New app' }).click();
    await page.getByLabel('App name').fill('Launch Party');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('heading', { name: 'Launch Party' }).waitFor();
    appUrl = page.url();
    expect(appUrl).toMatch(/\/apps\/app_[^/]+$/);
    await screenshot(page, '02-app-created');
  });

  it('creates an API key, shows the secret once, and never again', async () => {
    await page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'No API keys yet' }).waitFor();
    await page.getByLabel('Key name').fill('production backend');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const token = await page.getByLabel('API token').textContent();
    expect(token).toMatch(/^key_[A-Za-z0-9]+:sk_[A-Za-z0-9]+$/);
    await page.getByText('this is the only time it is shown').waitFor();
    await screenshot(page, '03-api-key-shown-once');

    // The key works against the API: the console showed the real secret.
    const res = await fetch(`${stack.worker.url}/v1/api-keys`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);

    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.reload();
    await page.getByRole('cell', { name: 'production backend' }).waitFor();
    expect(await page.getByText(token!.split(':')[1]!).count()).toBe(0);
    expect(await page.getByLabel('API token').count()).toBe(0);
  });

  it('revokes an API key after confirming', async () => {
    await page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke API key' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('revoked', { exact: true }).waitFor();
  });

  it('creates a signing key whose private key is shown once and downloadable', async () => {
    await page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'Signing keys' }).click();
    await page.getByRole('button', { name: 'Create signing key' }).click();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download private key (.pem)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^sk_.*\.pem$/);
    await page.getByRole('button', { name: 'Show PEM' }).click();
    await page.getByText('-----BEGIN PRIVATE KEY-----').waitFor();
    await screenshot(page, '04-signing-key-shown-once');
  });

  it('invites a member and lists the invitation; the audit log shows what happened and exports CSV', async () => {
    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Members' }).click();
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page
      .getByText(/\/accept-invite\?token=inv_/)
      .first()
      .waitFor();
    await page.getByRole('cell', { name: 'grace@example.com' }).waitFor();
    await screenshot(page, '05-members-invited');

    await page.getByRole('navigation', { name: 'Organization' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('cell', { name: 'member.invite' }).waitFor();
    await page.getByLabel('Action').fill('api_key.create');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByRole('cell', { name: 'member.invite' }).waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'api_key.create' }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(csv, 'utf8');
    expect(text.split('\r\n')[0]).toContain('action');
    expect(text).toContain('api_key.create');
    expect(text).not.toContain('member.invite');
    await screenshot(page, '06-audit-log-filtered');
  });

  it('works at phone width', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await owner.storageState(),
    });
    const p = await phone.newPage();
    await p.goto(appUrl);
    await p.getByRole('heading', { name: 'Launch Party' }).waitFor();
    await p.getByRole('button', { name: 'Menu' }).click();
    await p.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'API keys' }).click();
    await p.getByRole('cell', { name: 'production backend' }).waitFor();
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(p, '07-phone-api-keys');
    await phone.close();
  });

  it('signs out and back in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Wrong email or password.').waitFor();
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    await page.getByRole('link', { name: 'Launch Party' }).waitFor();
  });
});
