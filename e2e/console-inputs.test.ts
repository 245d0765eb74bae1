import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher } from '../origin/test-support/publisher.ts';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { createStream, until } from './harness/live.ts';

/**
 * The stream page's input switcher in a real browser, against two real publishers on the real
 * origin: both tiles show a live preview frame, one click cuts to camera 2, and the page (and the
 * API) then say camera 2 is on air. Screenshot: e2e/screenshots/inputs-01-switcher.png.
 *
 * Ports (issue 13's range): Worker 20050, console 20051, RTMP 20052.
 */
const PORTS = { api: 20050, console: 20051 };
let stack: ConsoleStack;
let browser: Browser;
let page: Page;
const publishers: ReturnType<typeof startTestPublisher>[] = [];

beforeAll(async () => {
  stack = await startConsoleStack(PORTS, { rtmpPort: 20052 });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1200 } })).newPage();
});

afterAll(async () => {
  for (const p of publishers) p.kill('SIGKILL');
  await browser?.close();
  await stack?.stop();
});

describe('console: input switcher', () => {
  it('shows a preview per connected input and cuts to camera 2 in one click', async () => {
    const api = stack.stack.api;
    const stream = await createStream(api, { name: 'Two cameras', ladder: ['source'] });
    const cam2 = await api.call<{ id: string; stream_key: string }>('POST', `/v1/streams/${stream.id}/inputs`, {
      name: 'Camera 2',
    });
    const rtmp = stack.origin!.rtmpUrl;
    publishers.push(startTestPublisher(`${rtmp}/${stream.stream_key}`, { size: '640x360' }));
    await until(
      'live',
      async () => (await api.call<{ status: string }>('GET', `/v1/streams/${stream.id}`)).status === 'active',
      60_000,
    );
    publishers.push(startTestPublisher(`${rtmp}/${cam2.stream_key}`, { size: '640x360', pattern: 'color=c=blue' }));

    const demo = stack.stack.demo;
    await page.goto(`${stack.console.url}/sign-in`);
    await page.getByLabel('Email').fill(demo.account.email);
    await page.getByLabel('Password').fill(demo.account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    await page.goto(`${stack.console.url}/apps/${demo.app.id}/streams/${stream.id}`);
    const panel = page.getByRole('region', { name: 'Inputs (cameras)' });
    const tile = (name: string) => panel.getByRole('listitem', { name: `Input ${name}` });
    await tile('Camera 2').getByText('connected').waitFor({ timeout: 45_000 });
    await tile('Primary').getByText('on air', { exact: true }).waitFor();
    // Both previews are real frames (the image loaded, so the Worker served a JPEG).
    for (const name of ['Primary', 'Camera 2'])
      await until(
        `preview of ${name}`,
        async () =>
          tile(name)
            .getByRole('img')
            .evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0),
        45_000,
        1000,
      );
    await tile('Camera 2').getByRole('button', { name: 'Cut to this' }).click();
    await tile('Camera 2').getByText('on air', { exact: true }).waitFor({ timeout: 15_000 });
    expect(await tile('Primary').getByRole('button', { name: 'Cut to this' }).isEnabled()).toBe(true);
    const program = await api.call<{ on_air_input_id: string }>('GET', `/v1/streams/${stream.id}/program`);
    expect(program.on_air_input_id).toBe(cam2.id);
    await page.waitForTimeout(2500);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'inputs-01-switcher');
  }, 180_000);
});
