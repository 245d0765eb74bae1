import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { CloudflareStandIn } from './harness/cloudflare-standin.ts';

/**
 * The console's channels, domains and branding pages in Chromium against the real Worker: a
 * channel created through the form, its avatar uploaded from a file (a text file named .png is
 * refused), a stream put on it and "Open watch page" on the stream; a domain added, checked
 * before and after its TXT record exists (a local DNS-over-HTTPS stand-in); a brand whose preview
 * follows the form and whose saved look shows on the watch page.
 * Screenshots: e2e/screenshots/console-channels-0{1,2,3}-*.png. Ports 20120-20122 (issue 17's range).
 */
const PORTS = { api: 20120, console: 20121 };
const dns = new CloudflareStandIn(20122);
let stack: ConsoleStack;
let browser: Browser;
let page: Page;
const tmp = mkdtempSync(path.join(tmpdir(), 'edgelive-console-ch-'));

beforeAll(async () => {
  await dns.start();
  stack = await startConsoleStack(PORTS, { vars: { DNS_RESOLVER_URL: dns.resolverUrl } });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  const demo = stack.stack.demo;
  await page.goto(`${stack.console.url}/sign-in`);
  await page.getByLabel('Email').fill(demo.account.email);
  await page.getByLabel('Password').fill(demo.account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Apps' }).waitFor();
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await dns.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const appUrl = (p: string) => `${stack.console.url}/apps/${stack.stack.demo.app.id}${p}`;

describe('console: channels, domains, branding', () => {
  it('creates a channel, uploads its avatar, puts a stream on it and opens its watch page', async () => {
    await page.goto(appUrl('/channels'));
    await page.getByRole('button', { name: 'New channel' }).click();
    const form = page.getByRole('form', { name: 'Channel profile' });
    await form.getByLabel('Display name').fill('Ada Lovelace');
    await form.getByLabel('Slug').fill('Not A Slug!');
    await form.getByLabel('Links').fill('Website https://ada.example');
    await form.getByRole('button', { name: 'Create channel' }).click();
    await form.getByText('Lowercase letters, digits and inner dashes.').waitFor();
    await form.getByLabel('Slug').fill('ada');
    await form.getByLabel('Bio').fill('Live-coding analytical engines every Friday.');
    await form.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace', level: 1 }).waitFor();

    const png = path.join(tmp, 'avatar.png');
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=0x7c3aed:s=256x256',
      '-frames:v',
      '1',
      png,
    ]);
    const fake = path.join(tmp, 'not-an-image.png');
    writeFileSync(fake, 'this is text, whatever the name says');
    const avatar = page.getByRole('group', { name: 'Avatar image' });
    await avatar.getByLabel('Upload a new avatar').setInputFiles(fake);
    await avatar.getByRole('alert').waitFor();
    expect(await avatar.getByRole('alert').textContent()).toMatch(/PNG, JPEG or WebP/i);
    await avatar.getByLabel('Upload a new avatar').setInputFiles(png);
    await avatar.getByRole('img', { name: 'Avatar of Ada Lovelace' }).waitFor();

    const stream = await stack.stack.api.call<{ id: string }>('POST', '/v1/streams', {
      name: 'Engines, live',
      playback_policies: ['public'],
    });
    await page.reload();
    const add = page.getByRole('form', { name: 'Add a stream to this channel' });
    await add.getByLabel('Stream').selectOption({ label: 'Engines, live' });
    await add.getByRole('button', { name: 'Add stream' }).click();
    await page
      .getByRole('region', { name: 'Streams on this channel' })
      .getByRole('link', { name: 'Engines, live' })
      .waitFor();
    await screenshot(page, 'console-channels-01-channel');

    await page.goto(appUrl(`/streams/${stream.id}`));
    const open = page.getByRole('link', { name: 'Open watch page' });
    await open.waitFor();
    const href = await open.getAttribute('href');
    expect(href).toBe(`${stack.worker.url}/watch/${stack.stack.demo.app.id}/ada`);
    const watch = await browser.newPage();
    await watch.goto(href!);
    expect(await watch.title()).toContain('Ada Lovelace');
    await watch.close();
  }, 120_000);

  it('adds a domain, shows its TXT record, and verifies it once the record exists', async () => {
    await page.goto(appUrl('/domains'));
    const form = page.getByRole('form', { name: 'Add a domain' });
    await form.getByLabel('Hostname').fill('https://bad/');
    await form.getByRole('button', { name: 'Add domain' }).click();
    await form.getByRole('alert').waitFor();
    await form.getByLabel('Hostname').fill('watch.ada.test');
    await form.getByRole('button', { name: 'Add domain' }).click();
    const item = page.getByRole('listitem', { name: 'watch.ada.test' });
    await item.getByText('pending').waitFor();
    const name = await item.locator('code').nth(1).textContent();
    const value = await item.locator('code').nth(2).textContent();
    expect(name).toBe('_edgelive-challenge.watch.ada.test');
    expect(value).toMatch(/^edgelive-verify=/);

    await item.getByRole('button', { name: 'Verify' }).click();
    await item.getByText('No TXT record found yet').waitFor();
    dns.addTxt(name!, value!);
    await item.getByRole('button', { name: 'Verify' }).click();
    await item.getByText('verified').waitFor();
    await item.getByText('https://watch.ada.test/watch/').waitFor();
    await screenshot(page, 'console-channels-02-domains');
  }, 60_000);

  it('branding: the preview follows the form; once saved the watch page wears it', async () => {
    await page.goto(appUrl('/branding'));
    const form = page.getByRole('form', { name: 'Branding' });
    await form.getByLabel('Name', { exact: true }).fill('Analytical TV');
    await form.getByLabel('Accent colour').fill('#dc2626');
    await form.getByLabel('Footer').fill('Analytical TV · engines on Fridays');
    const preview = page.getByRole('img', { name: 'Watch page preview' });
    await preview.getByText('Analytical TV').first().waitFor();
    const live = await preview.locator('.bp-live').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(live).toBe('rgb(220, 38, 38)');
    await form.getByRole('button', { name: 'Save branding' }).click();
    await form.getByText('Saved').waitFor();
    const frame = page.frameLocator('iframe[title="Watch page as saved"]');
    await frame.getByText('Analytical TV · engines on Fridays').waitFor();
    const watch = await (await fetch(`${stack.worker.url}/watch/${stack.stack.demo.app.id}/ada`)).text();
    expect(watch).toContain('Analytical TV');
    expect(watch).not.toContain('Edgelive');
    await screenshot(page, 'console-channels-03-branding');
  }, 60_000);
});
