import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../scripts/lib/api-client.ts';
import { type CaughtMail, type MailCatcher, startMailCatcher } from '../scripts/lib/mail-catcher.ts';
import { startWorker, type WorkerHandle } from '../scripts/lib/worker-process.ts';
import { localD1 } from './harness/local-d1.ts';

/**
 * Account mail through a real SMTP server: the Worker (wrangler dev, workerd) speaks SMTP over a
 * TCP socket to the catcher (smtp-server + mailparser), and every link the test follows is the one
 * parsed out of the delivered MIME.
 */
const WORKER_PORT = 20200;
const SMTP_PORT = 20225;
const MAIL_HTTP_PORT = 20226;
const CONSOLE = 'http://console.edgelive.test';

let worker: WorkerHandle;
let mail: MailCatcher;
let persistTo: string;
let mailDir: string;
const api = () => new ApiClient(worker.url);

const linkIn = (m: CaughtMail, page: string) => {
  const match = m.text.match(new RegExp(`${CONSOLE}${page}\\?token=[^\\s]+`));
  if (!match) throw new Error(`no ${page} link in: ${m.text}`);
  const url = new URL(match[0]);
  // The HTML part carries the same link (escaped as HTML would).
  expect(m.html).toContain(match[0].replace(/&/g, '&amp;'));
  return url.searchParams.get('token')!;
};
const to = (addr: string, subject: RegExp) => (m: CaughtMail) => m.to.includes(addr) && subject.test(m.subject);

/** Ages every token of a purpose the way 30 minutes would: straight in the local D1 the Worker uses. */
function expireTokens(purpose: string) {
  localD1(persistTo, `UPDATE auth_tokens SET expires_at = 0 WHERE purpose = '${purpose}'`);
}

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), 'edgelive-e2e-mail-'));
  mailDir = join(persistTo, 'mail');
  mail = await startMailCatcher({ smtpPort: SMTP_PORT, httpPort: MAIL_HTTP_PORT, dir: mailDir });
  worker = await startWorker({
    port: WORKER_PORT,
    persistTo,
    vars: { SMTP_URL: mail.smtpUrl, CONSOLE_URL: CONSOLE, MAIL_FROM: 'Edgelive <accounts@edgelive.test>' },
  });
});

afterAll(async () => {
  await worker?.stop();
  await mail?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

const email = `ada-${Date.now()}@example.com`;
const password = 'correct horse battery';
let session: string;

describe('accounts by mail, through a real SMTP server', () => {
  it('register: the verification mail arrives as real MIME and its link verifies, once', async () => {
    const reg = await api().call<{ token: string; user: { email_verified: boolean } }>('POST', '/v1/auth/register', {
      email,
      password,
      name: 'Ada',
    });
    session = reg.token;
    expect(reg.user.email_verified).toBe(false);
    const m = await mail.waitFor(to(email, /confirm your email address/));
    expect(m.from).toBe('accounts@edgelive.test');
    expect(m.content_type).toBe('multipart/alternative');
    expect(m.html).toContain('<a href=');
    const files = readdirSync(mailDir);
    expect(files).toContain(`${m.id}.eml`);
    expect(readFileSync(join(mailDir, `${m.id}.eml`), 'utf8')).toMatch(/^Content-Type: text\/html; charset=utf-8/m);
    // The catcher's own page lists it.
    const listed = (await (await fetch(`${mail.url}/messages?to=${encodeURIComponent(email)}`)).json()) as {
      data: CaughtMail[];
    };
    expect(listed.data.map((d) => d.id)).toContain(m.id);

    const token = linkIn(m, '/verify-email');
    const ok = await api().request<{ user: { email_verified: boolean } }>('POST', '/v1/auth/verify-email', { token });
    expect(ok.status).toBe(200);
    expect(ok.body.user.email_verified).toBe(true);
    const again = await api().request<{ error: { code: string } }>('POST', '/v1/auth/verify-email', { token });
    expect(again.status).toBe(400);
    expect(again.body.error.code).toBe('invalid_token');
  });

  it('an invitation is mailed to the invitee with its accept link', async () => {
    const me = await api().withAuth(session).call<{ orgs: { id: string }[] }>('GET', '/v1/auth/me');
    const invitee = `grace-${Date.now()}@example.com`;
    const inv = await api()
      .withAuth(session)
      .call<{ accept_url: string }>('POST', `/v1/orgs/${me.orgs[0]!.id}/invitations`, {
        email: invitee,
        role: 'developer',
      });
    const m = await mail.waitFor(to(invitee, /invited/));
    expect(m.text).toContain(inv.accept_url);
  });

  it('reset: the link sets a new password once and signs every session out; unknown addresses get the same answer and no mail', async () => {
    const nobody = `nobody-${Date.now()}@example.com`;
    const unknown = await api().request('POST', '/v1/auth/password-reset', { email: nobody });
    const known = await api().request('POST', '/v1/auth/password-reset', { email });
    expect(unknown).toEqual(known);
    expect(known.status).toBe(202);
    const m = await mail.waitFor(to(email, /reset your password/));
    expect(mail.messages().some((x) => x.to.includes(nobody))).toBe(false);

    const token = linkIn(m, '/reset-password');
    const done = await api().request('POST', '/v1/auth/password-reset/confirm', {
      token,
      password: 'a whole new password',
    });
    expect(done.status).toBe(204);
    expect((await api().withAuth(session).request('GET', '/v1/auth/me')).status).toBe(401);
    expect((await api().request('POST', '/v1/auth/login', { email, password })).status).toBe(401);
    const login = await api().call<{ token: string }>('POST', '/v1/auth/login', {
      email,
      password: 'a whole new password',
    });
    session = login.token;
    const reused = await api().request<{ error: { code: string } }>('POST', '/v1/auth/password-reset/confirm', {
      token,
      password: 'and yet another one',
    });
    expect(reused.status).toBe(400);
    expect(reused.body.error.code).toBe('invalid_token');
  });

  it('reset: a link past its 30 minutes is refused', async () => {
    const before = mail.messages().length;
    await api().call('POST', '/v1/auth/password-reset', { email });
    // This request's mail, not the earlier (already used) one.
    const m = await mail.waitFor((x) => to(email, /reset your password/)(x) && mail.messages().indexOf(x) >= before);
    const token = linkIn(m, '/reset-password');
    expireTokens('reset_password');
    const late = await api().request<{ error: { code: string } }>('POST', '/v1/auth/password-reset/confirm', {
      token,
      password: 'too late for this one',
    });
    expect(late.status).toBe(400);
    expect(late.body.error.code).toBe('invalid_token');
    expect((await api().withAuth(session).request('GET', '/v1/auth/me')).status).toBe(200);
  });

  it('email change: a link to the new address, a notice to the old, then both hear it changed', async () => {
    const fresh = `ada.new-${Date.now()}@example.com`;
    const asked = await api()
      .withAuth(session)
      .request('POST', '/v1/auth/email-change', { new_email: fresh, password: 'a whole new password' });
    expect(asked.status).toBe(202);
    await mail.waitFor(to(email, /email change requested/));
    const confirm = await mail.waitFor(to(fresh, /confirm your new email address/));
    const token = linkIn(confirm, '/confirm-email-change');
    expect((await api().request('POST', '/v1/auth/email-change/confirm', { token })).status).toBe(204);
    await mail.waitFor(to(email, /your email address changed/));
    await mail.waitFor(to(fresh, /your email address changed/));
    const me = await api()
      .withAuth(session)
      .call<{ user: { email: string; email_verified: boolean } }>('GET', '/v1/auth/me');
    expect(me.user).toEqual(expect.objectContaining({ email: fresh, email_verified: true }));
  });
});
