import { describe, expect, it } from 'vitest';
import { call, expectError, tenant } from '../test/helpers';
import { createStream } from '../test/origin';

const EVIL = 'https://evil.example';
/** The local console (the default of CONSOLE_ORIGINS in development, middleware/cors.ts). */
const CONSOLE = 'http://127.0.0.1:5173';
const cookie = (token: string) => `edgelive_session=${token}`;

describe('CORS and cross-site requests with the session cookie', () => {
  it('gives credentialed CORS only to the console; other origins get CORS without credentials', async () => {
    const { acct } = await tenant();
    const evil = await call('/v1/auth/me', { headers: { cookie: cookie(acct.token), origin: EVIL } });
    expect(evil.headers.get('access-control-allow-origin')).toBe('*');
    expect(evil.headers.get('access-control-allow-credentials')).toBeNull();
    const preflight = await call('/v1/auth/me', {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const ours = await call('/v1/auth/me', { headers: { cookie: cookie(acct.token), origin: CONSOLE } });
    expect(ours.status).toBe(200);
    expect(ours.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(ours.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('refuses a cookie-authenticated write from another origin, and leaves the stream enabled', async () => {
    const { acct, app, key } = await tenant();
    const s = await createStream(key.token);
    const path = `/v1/apps/${app.id}/streams/${s.id}/disable`;
    expectError(
      await call(path, { method: 'POST', headers: { cookie: cookie(acct.token), origin: EVIL } }),
      403,
      'cross_site_request',
    );
    // A browser that sends no Origin still says where the request comes from.
    expectError(
      await call(path, { method: 'POST', headers: { cookie: cookie(acct.token), 'sec-fetch-site': 'same-site' } }),
      403,
      'cross_site_request',
    );
    expect((await call(`/v1/streams/${s.id}`, { auth: key.token })).json.status).not.toBe('disabled');

    // The console (by Origin, or same-origin behind its proxy) and bearer calls are unaffected.
    const fromConsole = await call(path, { method: 'POST', headers: { cookie: cookie(acct.token), origin: CONSOLE } });
    expect(fromConsole.status, fromConsole.text).toBe(200);
    expect(fromConsole.json.status).toBe('disabled');
    const enable = `/v1/apps/${app.id}/streams/${s.id}/enable`;
    const proxied = await call(enable, {
      method: 'POST',
      headers: { cookie: cookie(acct.token), origin: 'http://127.0.0.1:5171', 'sec-fetch-site': 'same-origin' },
    });
    expect(proxied.status, proxied.text).toBe(200);
    const bearer = await call(path, { method: 'POST', auth: acct.token, headers: { origin: EVIL } });
    expect(bearer.status, bearer.text).toBe(200);
  });

  it('refuses the console socket upgrade with the cookie from another origin', async () => {
    const { acct, app, key } = await tenant();
    const s = await createStream(key.token);
    const room = (await call(`/v1/streams/${s.id}`, { auth: key.token })).json.room_id as string;
    const res = await call(`/v1/apps/${app.id}/rooms/${room}/ws`, {
      headers: { cookie: cookie(acct.token), origin: EVIL, upgrade: 'websocket' },
    });
    expectError(res, 403, 'cross_site_request');
  });
});
