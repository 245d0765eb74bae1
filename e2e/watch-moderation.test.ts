import { importPKCS8, SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot } from './console/browser.ts';
import { waitFor } from './harness/player-probe.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

/**
 * Moderation from the watch page, in Chromium through the real Worker and room object: the
 * channel owner opens the page with a token whose `role` is `moderator` (the customer signs it for
 * its creator) and gets Delete, Timeout and Ban beside each other viewer's message; a viewer's
 * page (role `user`) gets none. Deleting removes the message from every page, a timeout makes the
 * viewer's next message refused, a ban closes the viewer's chat. Port 20130 (issue 17's range).
 * Screenshot: e2e/screenshots/watch-moderation-01-owner.png.
 */
let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ port: 20130 });
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const chat = (page: Page) =>
  page.evaluate(() => ({
    messages: Array.from(document.querySelectorAll('#messages li')).map((li) => ({
      text: li.firstElementChild?.nextSibling?.textContent ?? '',
      mod: Array.from(li.querySelectorAll('.mod button')).map((b) => b.textContent),
    })),
    canSend: !document.getElementById('send')?.hidden,
    note: document.getElementById('chat-note')?.hidden ? '' : (document.getElementById('chat-note')?.textContent ?? ''),
  }));

async function send(page: Page, text: string) {
  await page.fill('#text', text);
  await page.click('#send button');
}

describe('watch page moderation', () => {
  it('the owner deletes, times out and bans from the page; viewers get no such buttons', async () => {
    const { api, demo } = stack;
    const ch = await api.call<{ id: string; watch_url: string }>('POST', '/v1/channels', {
      slug: 'ada',
      display_name: 'Ada Lovelace',
    });
    const s = await api.call<{ id: string; playback_ids: { id: string }[] }>('POST', '/v1/streams', {
      name: 'Engines, live',
      playback_policies: ['public'],
      channel_id: ch.id,
    });
    const key = await importPKCS8(demo.signing_key.private_key, 'RS256');
    const token = (sub: string, name: string, role: 'user' | 'moderator') =>
      new SignJWT({ aud: ['v', 't', 'chat'], sub, name, role, playback_id: s.playback_ids[0]!.id })
        .setProtectedHeader({ alg: 'RS256', kid: demo.signing_key.id })
        .setExpirationTime('1h')
        .sign(key);

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 760 } });
    const owner = await ctx.newPage();
    await owner.goto(`${ch.watch_url}?token=${await token('ada', 'Ada (owner)', 'moderator')}`);
    const viewer = await ctx.newPage();
    await viewer.goto(`${ch.watch_url}?token=${await token('troll_42', 'Troll', 'user')}`);
    await waitFor(
      'both chat forms',
      async () => ((await chat(owner)).canSend && (await chat(viewer)).canSend) || null,
      15_000,
    );

    await send(viewer, 'first!!!');
    await send(viewer, 'buy cheap followers');
    await send(owner, 'Welcome, everyone');
    const seen = await waitFor(
      'three messages on the owner’s page',
      async () => {
        const c = await chat(owner);
        return c.messages.length === 3 ? c : null;
      },
      15_000,
    );
    // Buttons under the viewer's messages, none under the owner's own.
    expect(seen.messages.map((m) => m.mod)).toEqual([['Delete', 'Timeout', 'Ban'], ['Delete', 'Timeout', 'Ban'], []]);
    expect((await chat(viewer)).messages.every((m) => m.mod.length === 0)).toBe(true);
    await screenshot(owner, 'watch-moderation-01-owner');

    // Delete: gone for everyone, and from the room's history.
    await owner
      .locator('#messages li', { hasText: 'buy cheap followers' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await waitFor(
      'the message gone from the viewer’s page',
      async () => ((await chat(viewer)).messages.some((m) => m.text.includes('cheap')) ? null : true),
      10_000,
    );
    const roomId = (await api.call<{ room_id: string }>('GET', `/v1/streams/${s.id}`)).room_id;
    const history = await api.call<{ data: { text: string }[] }>('GET', `/v1/rooms/${roomId}/messages`);
    expect(history.data.map((m) => m.text)).not.toContain('buy cheap followers');

    // Timeout: the viewer's next message is refused, and the page says so.
    await owner.locator('#messages li', { hasText: 'first!!!' }).getByRole('button', { name: 'Timeout' }).click();
    await owner.waitForTimeout(500);
    await send(viewer, 'am I muted?');
    const muted = await waitFor(
      'the viewer told they are muted',
      async () => (await chat(viewer)).note || null,
      10_000,
    );
    expect(muted).toMatch(/mute/i);
    await owner.waitForTimeout(1000);
    expect((await chat(owner)).messages.some((m) => m.text.includes('am I muted'))).toBe(false);

    // Ban: the viewer's chat closes and goes read-only.
    await owner.locator('#messages li', { hasText: 'first!!!' }).getByRole('button', { name: 'Ban' }).click();
    const banned = await waitFor(
      'the viewer’s chat closed',
      async () => {
        const c = await chat(viewer);
        return !c.canSend && c.note.includes('banned') ? c : null;
      },
      10_000,
    );
    expect(banned.canSend).toBe(false);
    const bans = await api.call<{ data: { user_id: string }[] }>('GET', `/v1/rooms/${roomId}/bans`);
    expect(bans.data.map((b) => b.user_id)).toContain('troll_42');
  }, 120_000);
});
