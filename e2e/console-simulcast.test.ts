import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher } from '../origin/test-support/publisher.ts';
import { launchChromium, SCREENSHOTS, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { IrcServer } from './harness/irc-server.ts';
import { createStream } from './harness/live.ts';
import { RtmpReceiver } from './harness/rtmp-receiver.ts';

/**
 * The stream page's simulcast panel in a real browser, against a live stream on the real origin:
 * a target added by API shows `broadcasting` (an NGINX-RTMP receiver on 127.0.0.1 takes it), one
 * added through the form to a port where nothing listens shows `errored` with its reason, and
 * disabling one from the page turns it `idle`. Screenshot: e2e/screenshots/simulcast-01-panel.png.
 *
 * On the same stack, the room page's external chats: two Twitch connectors against a real IRC
 * server (ngIRCd with a password, as Twitch checks the token), one `connected`, one `errored` with
 * the server's refusal as its last error. Screenshot: e2e/screenshots/connectors-01-room.png.
 *
 * Ports (issue 13's range): Worker 20040, console 20041, RTMP 20042, receiver 20043, ngIRCd 20044;
 * 20049 stays closed; the origin's WHIP endpoint 21802 (issue 12's WHIP range), for the OBS setup
 * panel's URLs (screenshot e2e/screenshots/streams-obs-setup-whip.png).
 */
const PORTS = { api: 20040, console: 20041 };
let stack: ConsoleStack;
let browser: Browser;
let page: Page;
const receiver = new RtmpReceiver(20043);
const IRC_TOKEN = 'oauth:console-e2e-token';
const ircd = new IrcServer(20044, IRC_TOKEN);
let publisher: ReturnType<typeof startTestPublisher> | null = null;

beforeAll(async () => {
  stack = await startConsoleStack(PORTS, {
    rtmpPort: 20042,
    origin: { whip: { port: 21802 } },
    vars: { WEBHOOK_ALLOW_PRIVATE: 'true' },
  });
  await receiver.start();
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
});

afterAll(async () => {
  publisher?.kill('SIGKILL');
  await browser?.close();
  await receiver.cleanup();
  await ircd.stop();
  await stack?.stop();
});

describe('console: simulcast panel', () => {
  it('shows each target status as the origin reports it, adds and disables targets', async () => {
    const api = stack.stack.api;
    const stream = await createStream(api, { name: 'Simulcast show', ladder: ['source'] });
    await api.call('POST', `/v1/streams/${stream.id}/simulcast-targets`, {
      url: `${receiver.url}/youtube-key`,
      name: 'YouTube stand-in',
    });
    publisher = startTestPublisher(`${stack.origin!.rtmpUrl}/${stream.stream_key}`, { size: '640x360' });

    const demo = stack.stack.demo;
    await page.goto(`${stack.console.url}/sign-in`);
    await page.getByLabel('Email').fill(demo.account.email);
    await page.getByLabel('Password').fill(demo.account.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    await page.goto(`${stack.console.url}/apps/${demo.app.id}/streams/${stream.id}`);
    // The OBS setup lists every ingest URL the origin reported, WHIP beside RTMP.
    const obs = page.getByRole('region', { name: 'Streaming software setup' });
    await obs.getByTestId('whip-url').waitFor({ timeout: 20_000 });
    expect(await obs.getByTestId('whip-url').textContent()).toBe(stack.origin!.whipUrl);
    await obs.screenshot({ path: `${SCREENSHOTS}streams-obs-setup-whip.png` });
    const panel = page.getByRole('region', { name: 'Simulcast targets' });
    const row = (name: string) => panel.getByRole('row').filter({ hasText: name });
    await row('YouTube stand-in').getByText('broadcasting').waitFor({ timeout: 45_000 });

    const form = panel.getByRole('form', { name: 'Add simulcast target' });
    await form.getByLabel('Name').fill('Twitch stand-in');
    await form.getByLabel('RTMP URL').fill('rtmp://127.0.0.1:20049/app');
    await form.getByLabel('Stream key').fill('live_secret_key');
    await form.getByRole('button', { name: 'Add target' }).click();
    await row('Twitch stand-in').getByText('errored').waitFor({ timeout: 30_000 });
    const note = await row('Twitch stand-in').getByRole('note').textContent();
    expect(note).toContain('retry');
    expect(await panel.textContent()).not.toContain('live_secret_key');
    await screenshot(page, 'simulcast-01-panel');

    await row('Twitch stand-in').getByRole('button', { name: 'Disable' }).click();
    await row('Twitch stand-in').getByText('idle').waitFor({ timeout: 20_000 });
    await row('YouTube stand-in').getByText('broadcasting').waitFor();
  }, 180_000);

  it('shows each chat connector of a room as connected or errored, with the last error', async () => {
    await ircd.start();
    const api = stack.stack.api;
    const room = await api.call<{ id: string }>('POST', '/v1/rooms', { name: 'Chat with Twitch' });
    const twitch = (token: string, nick: string) => ({
      kind: 'twitch',
      channel: 'edgelive',
      host: '127.0.0.1',
      port: 20044,
      tls: false,
      nick,
      token,
    });
    await api.call('POST', `/v1/rooms/${room.id}/connectors`, twitch(IRC_TOKEN, 'goodbot'));
    await api.call('POST', `/v1/rooms/${room.id}/connectors`, twitch('oauth:not-the-token', 'badbot'));
    await page.goto(`${stack.console.url}/apps/${stack.stack.demo.app.id}/rooms/${room.id}`);
    const panel = page.getByRole('region', { name: 'External chats' });
    const rows = panel.getByRole('row');
    await rows.filter({ hasText: 'connected' }).first().waitFor({ timeout: 30_000 });
    await rows.filter({ hasText: 'errored' }).first().waitFor({ timeout: 30_000 });
    const note = await rows.filter({ hasText: 'errored' }).getByRole('note').textContent();
    // ngIRCd's refusal of the wrong PASS, as the room's connector read it.
    expect(note).toMatch(/last error: .*password/i);
    // No connector's token is shown (the add form below the list names the format in its hint).
    expect((await rows.allTextContents()).join(' ')).not.toContain('oauth:');
    await screenshot(page, 'connectors-01-room');
  }, 60_000);
});
