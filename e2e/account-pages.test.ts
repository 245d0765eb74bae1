import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaughtMail, type MailCatcher, startMailCatcher } from '../scripts/lib/mail-catcher.ts';
import { launchChromium, screenshot } from './console/browser.ts';
import { type ConsoleStack, startConsoleStack } from './console/stack.ts';
import { totpCode } from './harness/totp.ts';

/**
 * The account pages of the console in Chromium, with every link taken from mail the Worker sent
 * to a real SMTP server: verify the address, turn on two-factor sign-in from the QR code's secret,
 * require it for the org, change the email, reset the password, and sign in with a code again.
 */
const PORTS = { api: 20220, console: 20221 };
const SMTP_PORT = 20222;
const MAIL_HTTP_PORT = 20223;
const CONSOLE = `http://127.0.0.1:${PORTS.console}`;

let mail: MailCatcher;
let stack: ConsoleStack;
let browser: Browser;
let page: Page;
const email = `ada-${Date.now()}@example.com`;
const newEmail = `ada-new-${Date.now()}@example.com`;
let secret = '';

const linkIn = (m: CaughtMail, path: string) => {
  const found = m.text.match(new RegExp(`${CONSOLE}${path}\\?token=\\S+`));
  if (!found) throw new Error(`no ${path} link in: ${m.text}`);
  return found[0];
};
const to = (addr: string, subject: RegExp) => (m: CaughtMail) => m.to.includes(addr) && subject.test(m.subject);

beforeAll(async () => {
  mail = await startMailCatcher({
    smtpPort: SMTP_PORT,
    httpPort: MAIL_HTTP_PORT,
    dir: `/tmp/edgelive-e2e-account-mail-${Date.now()}`,
  });
  stack = await startConsoleStack(PORTS, { vars: { SMTP_URL: mail.smtpUrl, CONSOLE_URL: CONSOLE } });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await mail?.stop();
});

describe('account pages', () => {
  it('signs up, and the mailed link verifies the address on the console page', async () => {
    await page.goto(`${CONSOLE}/sign-up`);
    await page.getByLabel('Your name').fill('Ada');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'No apps yet' }).waitFor();
    const m = await mail.waitFor(to(email, /confirm your email address/));
    await page.goto(linkIn(m, '/verify-email'));
    await page.getByText(`${email} is verified`).waitFor();
    await screenshot(page, 'account-01-verified');
  });

  it('turns on two-factor sign-in from the QR code and shows 10 recovery codes once', async () => {
    await page.goto(`${CONSOLE}/account`);
    await page.getByText('Verified', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const qr = page.getByAltText('QR code for your authenticator app');
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
    secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    await screenshot(page, 'account-02-totp-qr');
    await page.getByLabel('Code from the app').fill(totpCode(secret, Date.now()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await screenshot(page, 'account-03-recovery-codes');
    await page.reload();
    await page.getByText('Signing in asks for a code').waitFor();
  });

  it('requires two-factor sign-in for the org from its settings', async () => {
    await page.goto(`${CONSOLE}/`);
    await page.getByRole('link', { name: 'Settings' }).click();
    const box = page.getByLabel('Require two-factor sign-in of every member');
    await box.check();
    await page.reload();
    await expect.poll(() => box.isChecked(), { timeout: 10_000 }).toBe(true);
    await screenshot(page, 'account-04-org-requires-2fa');
  });

  it('changes the sign-in address through the link mailed to the new one', async () => {
    await page.goto(`${CONSOLE}/account`);
    await page.getByLabel('New email').fill(newEmail);
    await page.getByLabel('Your password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Send the confirmation link' }).click();
    await page.getByText(`A link is on its way to ${newEmail}`).waitFor();
    const m = await mail.waitFor((x) => x.to.includes(newEmail));
    await page.goto(linkIn(m, '/confirm-email-change'));
    await page.getByText('Your sign-in address is changed').waitFor();
    await screenshot(page, 'account-05-email-changed');
  });

  it('resets a forgotten password from the mailed link, then signs in with it and a TOTP code', async () => {
    await page.goto(`${CONSOLE}/account`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(newEmail);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('a reset link is on its way').waitFor();
    const m = await mail.waitFor(to(newEmail, /reset/i));
    await page.goto(linkIn(m, '/reset-password'));
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your password is changed').waitFor();
    await screenshot(page, 'account-06-password-reset');
    // The same link again is refused.
    await page.goto(linkIn(m, '/reset-password'));
    await page.getByLabel('New password').fill('another new password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('alert').waitFor();

    await page.goto(`${CONSOLE}/sign-in`);
    await page.getByLabel('Email').fill(newEmail);
    await page.getByLabel('Password').fill('a brand new password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: newEmail }).waitFor();
  });
});
