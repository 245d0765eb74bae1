import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRunner } from '../origin/src/media-jobs/job-runner.ts';
import { startMediaJobs } from '../origin/src/media-jobs/start.ts';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { IrcServer, IrcUser } from './harness/irc-server.ts';
import { WebhookReceiver } from './harness/webhook-receiver.ts';

/**
 * The console's resource pages in a real browser against the real Worker (issue 20): the events
 * browser (events of two streams filtered by type and then by object, one event's payload, and
 * where it was delivered: a webhook endpoint on 127.0.0.1 that answered 200); app-wide chat bans
 * from the Chat rooms page; and video on demand: a file uploaded over tus from the Uploads page
 * with its progress, transcoded by a media worker running the agent's code, played on its asset
 * page, its MP4 downloaded, a clip cut, played and deleted.
 * A delivery that failed for good (every attempt 503) opened from the endpoint's log, with each
 * attempt's answer and the payload, then sent again with "Redeliver failed" once the receiver is
 * fixed (events-03-delivery-attempts.png, events-04-redelivered.png).
 * Screenshots: e2e/screenshots/events-01-browser.png, events-02-app-wide-bans.png,
 * vod-01-upload-progress.png, vod-02-asset.png, vod-03-clip.png, vod-04-clips.png; a chat
 * connector added on a room's page to a real IRC server (ngIRCd), its message in the room's live
 * chat, then removed (connectors-02-added-from-console.png); and a passkey enrolled on the account page with
 * Chromium's virtual authenticator (CDP WebAuthn), used to sign in, and removed
 * (passkeys-01-account.png). Passkeys need a WebAuthn RP ID, which an IP address cannot be: that
 * test opens the console at http://localhost.
 * Ports (issue 20's range): Worker 20815, console 20816, webhook receiver 20817, IRC 20818.
 */
let stack: ConsoleStack;
let browser: Browser;
let page: Page;
let jobs: JobRunner | undefined;
let endpointId = '';
const receiver = new WebhookReceiver(20817);
const IRC_TOKEN = 'oauth:console-e2e-token';
const ircd = new IrcServer(20818, IRC_TOKEN);
const CONSOLE_AT_LOCALHOST = 'http://localhost:20816';
const scratch = mkdtempSync(path.join(tmpdir(), 'edgelive-console-e2e-'));
const video = path.join(scratch, 'console-upload.mp4');

beforeAll(async () => {
  // A little over one 5 MiB tus chunk (noise keeps the encoder at the bitrate), so the upload has
  // a second PATCH the test can hold while it looks at the progress.
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25'],
    ...['-t', '4', '-vf', 'noise=alls=30:allf=t', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
    ...['-b:v', '14M', '-maxrate', '14M', '-bufsize', '4M', video],
  ]);
  stack = await startConsoleStack(
    { api: 20815, console: 20816 },
    // WEBHOOK_ALLOW_PRIVATE also lets a connector reach the IRC server on loopback.
    {
      vars: {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        CONSOLE_ORIGINS: `http://127.0.0.1:20816,${CONSOLE_AT_LOCALHOST}`,
        // A day of retries in about 4 s, so a delivery can fail for good within a test.
        WEBHOOK_BACKOFF_SCALE: '0.00005',
      },
    },
  );
  await ircd.start();
  jobs = startMediaJobs(
    { workerUrl: stack.worker.url, originId: 'orig_local', secret: 'dev-only-origin-secret-local-0123456789abcdef' },
    scratch,
    () => undefined,
  );
  await receiver.up();
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  const demo = stack.stack.demo;
  await page.goto(`${stack.console.url}/sign-in`);
  await page.getByLabel('Email').fill(demo.account.email);
  await page.getByLabel('Password').fill(demo.account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Apps' }).waitFor();
});
afterAll(async () => {
  await browser?.close();
  await jobs?.stop();
  await ircd.stop();
  await receiver.down();
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('console: events browser', () => {
  it('filters by type and object, shows the payload and the event’s deliveries', async () => {
    const api = stack.stack.api;
    const endpoint = await api.call<{ id: string; secret: string }>('POST', '/v1/webhook-endpoints', {
      url: receiver.url,
      event_types: ['stream.*'],
    });
    receiver.secrets = [endpoint.secret];
    endpointId = endpoint.id;
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

  it('shows a delivery’s every attempt on the webhooks page, and sends failed deliveries again', async () => {
    const api = stack.stack.api;
    const doomed = await api.call<{ id: string }>('POST', '/v1/streams', { name: 'Events doomed' });
    // The receiver refuses this one event on every attempt, until the retries give up.
    const deletedOf = (r: { body: string }) => (JSON.parse(r.body) as { type: string }).type === 'stream.deleted';
    receiver.behave = (r) => (deletedOf(r) ? 503 : 'ok');
    await api.call('DELETE', `/v1/streams/${doomed.id}`);

    await page.getByRole('navigation', { name: 'App' }).getByRole('link', { name: 'Webhooks' }).click();
    const log = page.locator(`#endpoint-${endpointId}`).getByRole('region', { name: 'Delivery log' });
    await log.getByLabel('Status').selectOption('failed');
    const row = log.getByTestId('delivery').filter({ hasText: 'stream.deleted' });
    await row.waitFor({ timeout: 20_000 });
    await row.getByRole('button', { name: 'Attempts' }).click();
    const attempts = log.getByRole('table', { name: 'Attempts' }).locator('tbody tr');
    // The first try and ten retries, each answered 503.
    await expect.poll(() => attempts.count()).toBe(11);
    expect((await attempts.allTextContents()).every((t) => t.includes('503'))).toBe(true);
    const sent = JSON.parse((await log.getByTestId('delivery-payload').textContent()) ?? '{}') as {
      type: string;
      object: { id: string };
    };
    expect(sent).toMatchObject({ type: 'stream.deleted', object: { id: doomed.id } });
    await screenshot(page, 'events-03-delivery-attempts');

    // The receiver is fixed: the failed delivery goes again from the log, and lands.
    receiver.behave = () => 'ok';
    const form = log.getByRole('form', { name: 'Redeliver failed deliveries' });
    await form.getByRole('button', { name: 'Redeliver failed' }).click();
    await form.getByText('1 failed delivery sent again.').waitFor();
    await expect.poll(() => attempts.count(), { timeout: 15_000 }).toBe(12);
    // The receiver acknowledges with 204 (any 2xx is a success).
    expect((await attempts.allTextContents()).filter((t) => t.includes('204'))).toHaveLength(1);
    expect([...receiver.acked.values()].some(deletedOf)).toBe(true);
    await log.getByLabel('Status').selectOption('succeeded');
    await log.getByTestId('delivery').filter({ hasText: 'stream.deleted' }).waitFor();
    await screenshot(page, 'events-04-redelivered');
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

describe('console: video on demand', () => {
  const appNav = () => page.getByRole('navigation', { name: 'App' });
  const player = () => page.getByTestId('player');

  it('uploads a file over tus with progress; the asset plays, its MP4 downloads', async () => {
    const size = statSync(video).size;
    expect(size).toBeGreaterThan(5 * 1024 * 1024);
    await page.goto(`${stack.console.url}/apps/${stack.stack.demo.app.id}`);
    await appNav().getByRole('link', { name: 'Uploads' }).click();
    await page.getByRole('heading', { name: 'Uploads', exact: true }).waitFor();
    // The second chunk is held until the progress has been read and photographed.
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let patches = 0;
    await page.route(/\/tus\/upl_/, async (route) => {
      if (route.request().method() === 'PATCH' && ++patches === 2) await held;
      await route.continue();
    });
    const form = page.getByRole('form', { name: 'Upload a video' });
    await form.getByLabel('Video file').setInputFiles(video);
    await form.getByLabel('Make an MP4 download').check();
    await form.getByRole('button', { name: 'Upload' }).click();
    const bar = page.getByRole('progressbar', { name: 'Upload progress' });
    // The first chunk is stored; the second is on its way (sent, not yet confirmed).
    await page.getByText(`5.0 MB of ${(size / 1024 / 1024).toFixed(1)} MB stored`).waitFor({ timeout: 30_000 });
    expect(Number(await bar.getAttribute('value'))).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(Number(await bar.getAttribute('max'))).toBe(size);
    const uploads = await stack.stack.api.call<{ data: { id: string; status: string; offset: number }[] }>(
      'GET',
      '/v1/uploads',
    );
    expect(uploads.data[0]).toMatchObject({ status: 'uploading', offset: 5 * 1024 * 1024 });
    // The list follows the upload while it goes up: its row shows the stored bytes, not 0.0.
    const uploadRow = page
      .getByRole('table', { name: 'Uploads' })
      .getByRole('row')
      .filter({ hasText: uploads.data[0]!.id });
    await uploadRow.getByText(`5.0 of ${(size / 1024 / 1024).toFixed(1)} MB`).waitFor({ timeout: 10_000 });
    await screenshot(page, 'vod-01-upload-progress');
    release();
    await page.getByRole('link', { name: 'Open the asset' }).click({ timeout: 30_000 });
    await page.unroute(/\/tus\/upl_/);

    // Transcoded by the media worker, then it plays; the MP4 job follows.
    await page.getByRole('heading', { name: 'Uploaded video' }).waitFor();
    await expect.poll(() => player().getAttribute('data-state'), { timeout: 90_000 }).toBe('playing');
    const details = page.getByLabel('Asset details');
    expect(await details.textContent()).toContain('320x240');
    const download = page.getByRole('link', { name: 'Download MP4' });
    await download.waitFor({ timeout: 60_000 });
    const mp4 = await page.request.get((await download.getAttribute('href'))!);
    expect(mp4.status()).toBe(200);
    expect(mp4.headers()['content-type']).toBe('video/mp4');
    const head = new TextDecoder('latin1').decode((await mp4.body()).subarray(0, 12));
    expect(head.slice(4, 8)).toBe('ftyp');
    await screenshot(page, 'vod-02-asset');
  });

  it('cuts a clip from the asset, plays it, lists it under Clips, and deletes it', async () => {
    const parentId = page.url().split('/').pop()!;
    const form = page.getByRole('form', { name: 'Cut a clip' });
    await form.getByLabel('Start (seconds)').fill('3');
    await form.getByLabel('End (seconds)').fill('1');
    await form.getByRole('button', { name: 'Cut clip' }).click();
    await form.getByText('End must be after start.').waitFor();
    await form.getByLabel('Start (seconds)').fill('0');
    await form.getByLabel('End (seconds)').fill('1.5');
    await form.getByRole('button', { name: 'Cut clip' }).click();
    await page.getByRole('heading', { name: 'Clip', exact: true }).waitFor();
    const clipId = page.url().split('/').pop()!;
    expect(clipId).toMatch(/^ast_/);
    expect(clipId).not.toBe(parentId);
    const clip = await stack.stack.api.call<{ source: { parent_asset_id: string }; duration: number }>(
      'GET',
      `/v1/assets/${clipId}`,
    );
    expect(clip.source.parent_asset_id).toBe(parentId);
    // Clips are cut on the parent's segment boundaries: the whole segments that cover 0-1.5 s, so at
    // least the 1.5 s asked for and at most the parent (this short upload may be one segment long;
    // where clips cut is proven by the clip tests in workerd and e2e/assets).
    const parent = await stack.stack.api.call<{ duration: number }>('GET', `/v1/assets/${parentId}`);
    expect(clip.duration).toBeGreaterThanOrEqual(1.5);
    expect(clip.duration).toBeLessThanOrEqual(parent.duration);
    await expect.poll(() => player().getAttribute('data-state'), { timeout: 30_000 }).toBe('playing');
    const source = page.getByRole('link', { name: `Clip of ${parentId}` });
    await source.waitFor();
    expect(await source.getAttribute('title')).toContain(`Clip of ${parentId}`);
    // A clip of an upload has no chat to replay: the details sit beside the player, no replay panel.
    await page.getByRole('heading', { name: 'Details' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Chat replay' }).count()).toBe(0);
    await screenshot(page, 'vod-03-clip');

    await appNav().getByRole('link', { name: 'Clips' }).click();
    const rows = page.getByRole('table', { name: 'Clips' }).locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(clipId);
    await screenshot(page, 'vod-04-clips');

    await rows.first().getByRole('link', { name: clipId }).click();
    await page.getByRole('button', { name: 'Delete' }).first().click();
    await page.getByRole('dialog', { name: 'Delete asset' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Assets', exact: true }).waitFor();
    expect((await stack.stack.api.request('GET', `/v1/assets/${clipId}`)).status).toBe(404);
    const all = page.getByRole('table', { name: 'Assets' }).locator('tbody tr');
    await expect.poll(() => all.count()).toBe(1);
  });
});

describe('console: chat connectors and passkeys', () => {
  it('adds an IRC connector on the room page, shows its status and its messages, and removes it', async () => {
    const api = stack.stack.api;
    const room = await api.call<{ id: string }>('POST', '/v1/rooms', { name: 'Connected room' });
    await page.goto(`${stack.console.url}/apps/${stack.stack.demo.app.id}/rooms/${room.id}`);
    const panel = page.getByRole('region', { name: 'External chats' });
    const form = panel.getByRole('form', { name: 'Add a connector' });
    await form.getByLabel('Connect to').selectOption('irc');
    await form.getByLabel('Channel').fill('console');
    await form.getByRole('button', { name: 'Add connector' }).click();
    await form.getByText('The IRC server’s host is needed.').waitFor();
    await form.getByLabel('Host').fill('127.0.0.1');
    await form.getByLabel('Port').fill('20818');
    await form.getByLabel('Nick').fill('consolebot');
    await form.getByLabel('Token').fill(IRC_TOKEN);
    await form.getByRole('button', { name: 'Add connector' }).click();
    const row = panel.getByRole('row').filter({ hasText: 'console on 127.0.0.1:20818' });
    await row.filter({ hasText: 'connected' }).waitFor({ timeout: 20_000 });
    const [connector] = (
      await api.call<{ data: { id: string; token_set: boolean }[] }>('GET', `/v1/rooms/${room.id}/connectors`)
    ).data;
    expect(connector?.token_set).toBe(true);

    const alice = new IrcUser('alice');
    try {
      await alice.connect(20818, '#console', IRC_TOKEN);
      alice.say('#console', 'hello from IRC');
      await page.getByRole('region', { name: 'Live chat' }).getByText('hello from IRC').waitFor({ timeout: 15_000 });
    } finally {
      alice.close();
    }
    await screenshot(page, 'connectors-02-added-from-console');

    await row.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog', { name: 'Remove connector' }).getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await api.call<{ data: unknown[] }>('GET', `/v1/rooms/${room.id}/connectors`)).data).toEqual([]);
  });

  it('enrols a passkey on the account page, signs in with it alone, and removes it', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const p = await ctx.newPage();
      const cdp = await ctx.newCDPSession(p);
      await cdp.send('WebAuthn.enable');
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      const demo = stack.stack.demo;
      await p.goto(`${CONSOLE_AT_LOCALHOST}/sign-in`);
      await p.getByLabel('Email').fill(demo.account.email);
      await p.getByLabel('Password').fill(demo.account.password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.getByRole('heading', { name: 'Apps' }).waitFor();
      await p.goto(`${CONSOLE_AT_LOCALHOST}/account`);
      const panel = p.getByRole('region', { name: 'Passkeys' });
      await panel.getByText('No passkeys yet.').waitFor();
      await panel.getByLabel('Passkey name').fill('Test laptop');
      await panel.getByRole('button', { name: 'Add a passkey' }).click();
      const rows = panel.getByRole('table', { name: 'Passkeys' }).locator('tbody tr');
      await rows.filter({ hasText: 'Test laptop' }).waitFor();
      // The authenticator holds one discoverable credential for the console's host.
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      expect(credentials.map((c) => [c.rpId, c.isResidentCredential])).toEqual([['localhost', true]]);
      await screenshot(p, 'passkeys-01-account');

      // Signed out, the passkey alone signs back in (user verification stands in for the second factor).
      await p.getByRole('button', { name: 'Sign out' }).click();
      await p.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
      await p.getByRole('button', { name: 'Use a passkey' }).click();
      await p.getByRole('heading', { name: 'Apps' }).waitFor();
      await p.goto(`${CONSOLE_AT_LOCALHOST}/account`);
      const used = panel
        .getByRole('table', { name: 'Passkeys' })
        .locator('tbody tr')
        .filter({ hasText: 'Test laptop' });
      await expect.poll(async () => (await used.locator('td').nth(2).textContent()) ?? '').not.toBe('—');

      await used.getByRole('button', { name: 'Remove' }).click();
      await p.getByRole('dialog', { name: 'Remove passkey' }).getByRole('button', { name: 'Remove' }).click();
      await panel.getByText('No passkeys yet.').waitFor();
    } finally {
      await ctx.close();
    }
  });
});
