import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPublisher, waitExit } from '../origin/test-support/publisher.ts';
import { type MailCatcher, startMailCatcher } from '../scripts/lib/mail-catcher.ts';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { until } from './harness/live.ts';
import { WebhookReceiver } from './harness/webhook-receiver.ts';

/**
 * A developer's first live show, through the console in a real browser: sign up, app, API key,
 * stream, a real `ffmpeg` publisher through the real origin, the preview playing, chat between two
 * browser contexts over the console socket, a ban from the moderator view, and a webhook delivery
 * to a local receiver; then the live stream clipped from its page ("Clip the stream"), the clip
 * playing with its chat replay beside the player, a message seeking it. Screenshots go to
 * e2e/screenshots/live-*.png.
 *
 * Ports (this file's own): Worker 8941, console 5181, webhook receiver 5189, RTMP 19361.
 */
const PORTS = { api: 8941, console: 5181 };
const RTMP_PORT = 19361;
const RECEIVER_PORT = 5189;
/** The guest's verification mail goes through a real SMTP server (unverified accounts cannot accept invitations). */
const SMTP_PORT = 20231;
const MAIL_HTTP_PORT = 20232;

let stack: ConsoleStack;
let mail: MailCatcher;
let mailDir = '';
let browser: Browser;
let owner: BrowserContext;
let guest: BrowserContext;
let page: Page;
let guestPage: Page;
let publisher: ChildProcess | null = null;
const receiver = new WebhookReceiver(RECEIVER_PORT);
const stamp = Date.now().toString(36);
const password = 'correct horse battery';
let orgId = '';
let appId = '';
let streamUrl = '';

beforeAll(async () => {
  mailDir = mkdtempSync(join(tmpdir(), 'edgelive-e2e-console-mail-'));
  mail = await startMailCatcher({ smtpPort: SMTP_PORT, httpPort: MAIL_HTTP_PORT, dir: mailDir });
  stack = await startConsoleStack(PORTS, {
    rtmpPort: RTMP_PORT,
    vars: {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_BACKOFF_SCALE: '0.001',
      WEBHOOK_TIMEOUT_MS: '2000',
      SMTP_URL: mail.smtpUrl,
    },
  });
  await receiver.up();
  browser = await launchChromium();
  owner = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await owner.newPage();
});

afterAll(async () => {
  if (publisher) {
    publisher.kill('SIGKILL');
    await waitExit(publisher);
  }
  await browser?.close();
  await receiver.down().catch(() => undefined);
  await stack?.stop();
  await mail?.stop();
  if (mailDir) rmSync(mailDir, { recursive: true, force: true });
});

const appNav = (p: Page) => p.getByRole('navigation', { name: 'App' });

describe('console, live', () => {
  it('signs up, creates an app and an API key that is shown once', async () => {
    await page.goto(`${stack.console.url}/sign-up`);
    await page.getByLabel('Your name').fill('Ada Producer');
    await page.getByLabel('Email').fill(`ada-${stamp}@example.com`);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Organization name').fill('Live Shows');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'No apps yet' }).waitFor();
    orgId = /\/orgs\/(org_[^/]+)\/apps$/.exec(page.url())![1]!;

    await page.getByRole('button', { name: 'New app' }).click();
    await page.getByLabel('App name').fill('Friday Show');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.getByRole('heading', { name: 'Friday Show' }).waitFor();
    appId = /\/apps\/(app_[^/]+)$/.exec(page.url())![1]!;

    await appNav(page).getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('backend');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const token = (await page.getByLabel('API token').textContent()) ?? '';
    expect(token).toMatch(/^key_[A-Za-z0-9]+:sk_[A-Za-z0-9]+$/);
    const res = await fetch(`${stack.worker.url}/v1/streams`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    await screenshot(page, 'live-01-api-key-shown-once');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.reload();
    await page.getByRole('cell', { name: 'backend' }).waitFor();
    expect(await page.getByLabel('API token').count()).toBe(0);
  });

  it('creates a stream, publishes a test pattern through the origin, and the preview plays', async () => {
    await appNav(page).getByRole('link', { name: 'Live streams' }).click();
    await page.getByRole('button', { name: 'New stream' }).click();
    await page.getByLabel('Stream name').fill('Main stage');
    // Passthrough only: two shared cores have no room for a transcoding ladder next to the browser.
    for (const r of ['720p', '480p', '360p']) await page.getByLabel(r, { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Create stream' }).click();
    await page.getByRole('heading', { name: 'Main stage' }).waitFor();
    streamUrl = page.url();

    // The OBS panel shows a guess until /console-config.json (the served origin URL) has loaded.
    const serverUrl = page.getByText(stack.origin!.rtmpUrl, { exact: true }).first();
    await serverUrl.waitFor({ timeout: 10_000 });
    expect(await serverUrl.textContent()).toBe(stack.origin!.rtmpUrl);
    await page.getByRole('status', { name: 'Stream key' }).locator('..').getByRole('button', { name: 'Show' }).click();
    const key = (await page.getByRole('status', { name: 'Stream key' }).textContent())?.trim() ?? '';
    expect(key).not.toContain('•');
    publisher = startTestPublisher(`${stack.origin!.rtmpUrl}/${key}`, { size: '640x360', rate: 30, gopFrames: 30 });

    // The preview's <video> moves on by itself: segments reach the browser and decode.
    const video = page.locator('[data-testid="player"] video');
    const first = await until(
      'the preview to start',
      () => video.evaluate((v: HTMLVideoElement) => v.currentTime > 0.5 && v.currentTime),
      90_000,
      500,
    );
    const later = await until(
      'the preview to keep playing',
      () => video.evaluate((v: HTMLVideoElement, t: number) => v.currentTime > t + 1 && v.currentTime, first),
      20_000,
      500,
    );
    expect(later).toBeGreaterThan(first);
    await page.locator('.badge[data-status="active"]').first().waitFor();
    await screenshot(page, 'live-02-preview-playing');
  });

  it('chats between two browser contexts over the console socket, and a moderator bans the other member', async () => {
    // The second person is a developer invited into the org: a moderator in chat, under their own name.
    const email = `grace-${stamp}@example.com`;
    const inv = await page.request.post(`${stack.console.url}/v1/orgs/${orgId}/invitations`, {
      data: { email, role: 'developer' },
    });
    expect(inv.status(), await inv.text()).toBe(201);
    guest = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const reg = await guest.request.post(`${stack.console.url}/v1/auth/register`, {
      data: { email, password, name: 'Grace Guest' },
    });
    expect(reg.status(), await reg.text()).toBe(201);
    // The guest proves the address with the link from the verification mail, as a person would.
    const verification = await mail.waitFor(
      (m) => m.to.includes(email) && /confirm your email address/i.test(m.subject),
    );
    const token = verification.text.match(/verify-email\?token=([^\s&]+)/)?.[1];
    expect(token, verification.text).toBeTruthy();
    const ver = await guest.request.post(`${stack.console.url}/v1/auth/verify-email`, { data: { token } });
    expect(ver.status(), await ver.text()).toBe(200);
    const acc = await guest.request.post(`${stack.console.url}/v1/invitations/accept`, {
      data: { token: (await inv.json()).token },
    });
    expect(acc.status(), await acc.text()).toBe(200);
    guestPage = await guest.newPage();
    await guestPage.goto(streamUrl);

    const ownerChat = page.getByRole('region', { name: 'Live chat' });
    const guestChat = guestPage.getByRole('region', { name: 'Live chat' });
    await ownerChat.getByRole('status').getByText('Live').waitFor();
    await guestChat.getByRole('status').getByText('Live').waitFor();

    await ownerChat.getByRole('textbox', { name: 'Message' }).fill('Welcome to the Friday show!');
    await ownerChat.getByRole('button', { name: 'Send' }).click();
    await guestChat.getByTestId('chat-message').filter({ hasText: 'Welcome to the Friday show!' }).waitFor();
    await guestChat.getByRole('textbox', { name: 'Message' }).fill('Buy cheap watches at spam.example');
    await guestChat.getByRole('button', { name: 'Send' }).click();
    await ownerChat.getByTestId('chat-message').filter({ hasText: 'Buy cheap watches' }).waitFor();
    await screenshot(guestPage, 'live-03-chat-second-context');

    // The moderator view of the room: ban the spammer.
    await appNav(page).getByRole('link', { name: 'Chat rooms' }).click();
    await page
      .getByRole('link', { name: /Main stage|room_/ })
      .first()
      .click();
    const modChat = page.getByRole('region', { name: 'Live chat' });
    await modChat.getByTestId('chat-message').filter({ hasText: 'Buy cheap watches' }).waitFor();
    await modChat.getByRole('button', { name: 'Ban' }).click();
    await page.getByRole('dialog', { name: 'Ban user' }).getByRole('button', { name: 'Ban' }).click();
    await modChat.getByText('Banned Grace Guest.').waitFor();
    // A developer is a chat moderator: the owner (admin) outranks them, they cannot ban the owner.
    expect(await guestChat.getByRole('button', { name: 'Time out Ada Producer for 5 minutes' }).count()).toBe(0);
    await screenshot(page, 'live-04-moderator-banned');

    await guestChat.getByRole('status').getByText('You are banned from this room').waitFor();
    expect(await guestChat.getByRole('textbox', { name: 'Message' }).isDisabled()).toBe(true);
    await screenshot(guestPage, 'live-05-banned-user-sees-it');
    await guest.close();
  });

  it('adds a webhook endpoint on a local receiver and sees the delivery in the log', async () => {
    await appNav(page).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByLabel('Endpoint URL').fill(receiver.url);
    await page.getByLabel('Description').fill('local receiver');
    // The picker lists the shared event catalog by family; this endpoint takes everything.
    await page.getByLabel('All events').uncheck();
    await page.getByLabel('All chat events — chat.*').check();
    await page.getByLabel('chat.user.banned').waitFor();
    expect(await page.getByLabel('chat.user.banned').isDisabled()).toBe(true);
    await screenshot(page, 'live-06-webhook-event-picker');
    await page.getByLabel('All events').check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByLabel('Webhook secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets = [secret];
    await page.getByRole('button', { name: 'I have saved it' }).click();

    await page.getByRole('button', { name: 'Send test event' }).click();
    const got = await until(
      'the receiver to get the test event',
      () => receiver.acked.size > 0 && [...receiver.acked.values()][0],
    );
    expect(JSON.parse(got.body)).toMatchObject({ type: 'webhook_endpoint.test' });
    // The log refreshes by itself; no reload.
    await page
      .getByTestId('delivery')
      .filter({ hasText: 'webhook_endpoint.test' })
      .filter({ hasText: 'succeeded' })
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'live-07-webhook-delivery-log');
  });

  it('clips the live stream from its page; the clip plays with the chat said in it beside the player, and a message seeks it', async () => {
    await page.goto(streamUrl);
    const form = page.getByRole('form', { name: 'Clip the stream' });
    const back = form.getByLabel('Seconds back from live');
    await back.fill('0');
    await form.getByRole('button', { name: 'Clip', exact: true }).click();
    await form.getByText('A whole number of seconds, 1 or more.').waitFor();
    // The whole session so far (the API cuts at its start), so the chat of the test above is in it.
    await back.fill('600');
    await form.getByRole('button', { name: 'Clip', exact: true }).click();
    await page.getByRole('heading', { name: 'Clip', exact: true }).waitFor();
    const clipId = /\/assets\/(ast_[^/]+)$/.exec(page.url())![1]!;
    const api = (path: string) => page.request.get(`${stack.console.url}/v1/apps/${appId}${path}`);
    type Source = { type: string; parent_asset_id?: string; stream_id?: string };
    const clip = (await (await api(`/assets/${clipId}`)).json()) as { source: Source };
    expect(clip.source).toMatchObject({ type: 'clip', parent_asset_id: expect.stringMatching(/^ast_/) });
    // Cut from the live session's own recording, which is still being made.
    const parent = (await (await api(`/assets/${clip.source.parent_asset_id}`)).json()) as { source: Source };
    expect(parent.source).toMatchObject({ type: 'live_session', stream_id: streamUrl.split('/').pop() });
    const chat = (await (await api(`/assets/${clipId}/chat?limit=100`)).json()) as {
      data: { text: string; media_time_s: number }[];
    };
    const welcome = chat.data.find((m) => m.text === 'Welcome to the Friday show!');
    expect(welcome, JSON.stringify(chat.data)).toBeDefined();

    const video = page.locator('[data-testid="player"] video');
    await until('the clip to play', () => video.evaluate((v: HTMLVideoElement) => v.currentTime > 0.2), 30_000, 250);
    const replay = page.getByRole('list', { name: 'Chat replay messages' });
    const rows = replay.getByTestId('replay-message');
    await expect.poll(() => rows.count()).toBe(chat.data.length);
    const row = rows.filter({ hasText: 'Welcome to the Friday show!' });
    expect(await row.textContent()).toContain('Ada Producer');
    // Choosing the message seeks the player to its time, and the replay counts it as sent.
    await row.getByRole('button', { name: /^Seek to / }).click();
    const at = await until(
      'the player to seek to the message',
      () =>
        video.evaluate(
          (v: HTMLVideoElement, t: number) => !v.seeking && Math.abs(v.currentTime - t) < 1.5 && v.currentTime,
          welcome!.media_time_s,
        ),
      10_000,
      100,
    );
    expect(at).toBeGreaterThanOrEqual(welcome!.media_time_s - 0.5);
    await expect.poll(() => row.getAttribute('class')).not.toContain('later');
    await screenshot(page, 'live-08-clip-chat-replay');
  });
});
