import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher } from '../origin/test-support/publisher.ts';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { createStream, until } from './harness/live.ts';

/**
 * The stream page's input switcher in a real browser, against two real publishers on the real
 * origin: both tiles play their camera live (each input's preview rung, signed HLS), one click cuts
 * to camera 2, and the page (and the API) then say camera 2 is on air. Screenshots:
 * e2e/screenshots/inputs-00-previews-playing.png, inputs-01-switcher.png.
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
  it('plays a live preview per connected input and cuts to camera 2 in one click', async () => {
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
    // Each tile plays its camera live (the preview rung, signed HLS from the Worker): the video
    // moves on by itself, and its picture is that camera's (camera 2 is solid blue).
    const video = (name: string) => tile(name).locator('video');
    const playing = async (name: string) => {
      const t0 = await video(name).evaluate((v) => (v as HTMLVideoElement).currentTime);
      await until(
        `${name}'s preview to advance`,
        async () => (await video(name).evaluate((v) => (v as HTMLVideoElement).currentTime)) > t0 + 1,
        20_000,
        250,
      );
    };
    for (const name of ['Primary', 'Camera 2']) {
      await tile(name).getByTestId('player').and(page.locator('[data-state="playing"]')).waitFor({ timeout: 45_000 });
      await playing(name);
    }
    // A 3x3 grid of pixels from the frame the tile shows now.
    const grid = (name: string) =>
      video(name).evaluate((el) => {
        const v = el as HTMLVideoElement;
        const c = document.createElement('canvas');
        c.width = v.videoWidth;
        c.height = v.videoHeight;
        const g = c.getContext('2d')!;
        g.drawImage(v, 0, 0);
        const px: number[][] = [];
        for (const fx of [0.2, 0.5, 0.8])
          for (const fy of [0.2, 0.5, 0.8])
            px.push([...g.getImageData(Math.floor(c.width * fx), Math.floor(c.height * fy), 1, 1).data].slice(0, 3));
        return { size: `${v.videoWidth}x${v.videoHeight}`, px };
      });
    const isBlue = ([r, g, b]: number[]) => b! > 150 && Math.max(r!, g!) < 90;
    const cam2Frame = await grid('Camera 2');
    expect(cam2Frame.size).toBe('640x360');
    expect(cam2Frame.px.every(isBlue), JSON.stringify(cam2Frame.px)).toBe(true);
    // The primary's testsrc2 is not one colour: its tile is not showing camera 2.
    const primaryFrame = await grid('Primary');
    expect(primaryFrame.size).toBe('640x360');
    expect(primaryFrame.px.every(isBlue), JSON.stringify(primaryFrame.px)).toBe(false);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'inputs-00-previews-playing');

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
