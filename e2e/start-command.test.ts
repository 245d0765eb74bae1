import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/lib/worker-process.ts';

/**
 * The README's start command, as a newcomer runs it: it starts, prints the demo credentials,
 * writes .edgelive/local.json, the printed API key works with curl-like calls, a second start
 * says the first is running, and Ctrl-C stops it.
 */
const home = mkdtempSync(join(tmpdir(), 'edgelive-start-'));
const port = 8791;
const env = {
  ...process.env,
  EDGELIVE_HOME: home,
  EDGELIVE_API_PORT: String(port),
  EDGELIVE_RTMP_PORT: '19391',
  EDGELIVE_RTMPS_PORT: '20510',
  EDGELIVE_SRT_PORT: '20511',
  EDGELIVE_WHIP_PORT: '21801',
  EDGELIVE_CONSOLE_PORT: '5191',
  EDGELIVE_SMTP_PORT: '20227',
  EDGELIVE_MAIL_PORT: '20228',
  EDGELIVE_OIDC_PORT: '20229',
  EDGELIVE_OIDC_GITHUB_PORT: '20230',
  EDGELIVE_DOCS_PORT: '20814',
};
const children: ChildProcess[] = [];

/**
 * "Sign in with Google" the way a browser does it, with fetch and a cookie jar per host: the
 * Worker's start redirect, the local provider's login form (any login name), its redirects back to
 * the Worker's callback, and the session cookie that callback sets. Returns who `/v1/auth/me` says.
 */
async function signInWithLocalGoogle(api: string, issuer: string, login: string) {
  const jar = new Map<string, Map<string, string>>();
  const cookiesOf = (u: URL) => [...(jar.get(u.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  const send = async (u: URL, init: RequestInit = {}) => {
    const res = await fetch(u, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: cookiesOf(u) } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      const host = jar.get(u.host) ?? new Map<string, string>();
      host.set(pair!.slice(0, at), pair!.slice(at + 1));
      jar.set(u.host, host);
    }
    return res;
  };
  let url = new URL(`${api}/v1/auth/oauth/google/start`);
  let loggedIn = false;
  for (let hop = 0; hop < 12; hop++) {
    const res = await send(url);
    const location = res.headers.get('location');
    if (location) {
      url = new URL(location, url);
      // The callback's redirect to the console: the Worker has set its session cookie.
      if (!url.href.startsWith(api) && !url.href.startsWith(issuer)) break;
      continue;
    }
    const page = await res.text();
    expect(res.status, `${url.href}: ${page}`).toBe(200);
    expect(loggedIn, 'the provider asked for a login twice').toBe(false);
    expect(url.origin).toBe(issuer);
    // oidc-provider's development login form: any login name, any password.
    const action = /action="([^"]+)"/.exec(page)?.[1];
    expect(action, page).toBeDefined();
    const login_ = await send(new URL(action!.replace(/&amp;/g, '&'), url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt: 'login', login, password: 'any password' }).toString(),
    });
    loggedIn = true;
    url = new URL(login_.headers.get('location')!, url);
  }
  expect(loggedIn).toBe(true);
  const me = await fetch(`${api}/v1/auth/me`, { headers: { cookie: cookiesOf(new URL(api)) } });
  expect(me.status, await me.clone().text()).toBe(200);
  return ((await me.json()) as { user: { email: string; email_verified: boolean } }).user;
}

function start() {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/start.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function until(cond: () => boolean, ms: number, what: () => string) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('./edgelive start', () => {
  it('starts, seeds, prints and writes the demo credentials, refuses a second start, and stops on Ctrl-C', async () => {
    const first = start();
    await until(() => first.output().includes('Edgelive is running'), 120_000, first.output);
    const out = first.output();
    const local = JSON.parse(readFileSync(join(home, 'local.json'), 'utf8'));
    expect(local.api_url).toBe(`http://127.0.0.1:${port}`);
    expect(out).toContain(local.demo.api_key.token);
    expect(out).toContain(local.demo.account.email);
    expect(local.demo.signing_key.private_key).toMatch(/BEGIN PRIVATE KEY/);
    // The console is served and proxies the API on its own origin.
    expect(local.console_url).toBe('http://127.0.0.1:5191');
    expect((await fetch(local.console_url)).headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${local.console_url}/v1/openapi.json`)).status).toBe(200);
    // The docs site is built in the background and served (503 until it is).
    expect(local.docs_url).toBe('http://127.0.0.1:20814');
    let docs: Response | undefined;
    for (const end = Date.now() + 90_000; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
      docs = await fetch(`${local.docs_url}/api/live-streams.html`);
      if (docs.status === 200) break;
    }
    expect(docs?.status).toBe(200);
    expect(await docs!.text()).toContain('id="createStream"');
    // The mail catcher runs, and caught the demo account's verification mail (also on disk).
    expect(local.mail_url).toBe('http://127.0.0.1:20228');
    const mails = (await (await fetch(`${local.mail_url}/messages`)).json()) as {
      data: { to: string[]; id: string }[];
    };
    const verification = mails.data.find((m) => m.to.includes(local.demo.account.email));
    expect(verification).toBeDefined();
    expect(readFileSync(join(home, 'mail', `${verification!.id}.eml`), 'utf8')).toContain('multipart/alternative');
    // Where to publish and where to watch.
    // The local OpenID Provider runs, and the Worker sends "Sign in with Google" to it: the
    // provider accepts the client and its callback and shows its login page.
    expect(local.oauth).toMatchObject({
      google_issuer: 'http://127.0.0.1:20229',
      github_url: 'http://127.0.0.1:20230',
    });
    const providers = (await (await fetch(`${local.api_url}/v1/auth/oauth/providers`)).json()) as {
      data: { id: string }[];
    };
    expect(providers.data.map((p) => p.id).sort()).toEqual(['github', 'google']);
    const me = await signInWithLocalGoogle(local.api_url, local.oauth.google_issuer, 'newcomer@example.com');
    expect(me).toMatchObject({ email: 'newcomer@example.com', email_verified: true });
    expect(local.rtmp_url).toBe('rtmp://127.0.0.1:19391/live');
    expect(local.rtmps_url).toBe('rtmps://127.0.0.1:20510/live');
    expect(local.srt_url).toBe('srt://127.0.0.1:20511');
    expect(local.whip_url).toBe('http://127.0.0.1:21801/whip/endpoint');
    expect(local.demo.stream.publish_url).toBe(`${local.rtmp_url}/${local.demo.stream.stream_key}`);
    expect(out).toContain(local.demo.stream.stream_key);
    expect(out).toContain(local.demo.stream.playback_url);

    // The printed key works, and decides the demo app.
    const keys = await fetch(`${local.api_url}/v1/api-keys`, {
      headers: { authorization: `Bearer ${local.demo.api_key.token}` },
    });
    expect(keys.status).toBe(200);
    const body = (await keys.json()) as { data: { app_id: string }[] };
    expect(body.data[0]!.app_id).toBe(local.demo.app.id);

    const second = start();
    await new Promise((r) => second.child.once('exit', r));
    expect(second.child.exitCode).toBe(1);
    expect(second.output()).toMatch(/already running/);

    first.child.kill('SIGINT');
    await new Promise((r) => first.child.once('exit', r));
    expect(first.child.exitCode).toBe(0);
    await expect(fetch(`${local.api_url}/v1/openapi.json`)).rejects.toThrow();
    expect(existsSync(join(home, 'start.pid'))).toBe(false);
  });

  it('keeps state between runs: the same demo app and key come back', async () => {
    const before = JSON.parse(readFileSync(join(home, 'local.json'), 'utf8'));
    const again = start();
    await until(() => again.output().includes('Edgelive is running'), 120_000, again.output);
    const after = JSON.parse(readFileSync(join(home, 'local.json'), 'utf8'));
    expect(after.demo.app.id).toBe(before.demo.app.id);
    expect(after.demo.api_key.id).toBe(before.demo.api_key.id);
    expect(after.demo.stream.stream_key).toBe(before.demo.stream.stream_key);
    again.child.kill('SIGINT');
    await new Promise((r) => again.child.once('exit', r));
  });
});
