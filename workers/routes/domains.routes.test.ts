import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, expectError, tenant, unique } from '../test/helpers';

/**
 * Custom domains: the API (add, list, get, delete; bad names and taken names refused) and Host
 * routing of the watch pages. The TXT check against a DNS resolver and the Cloudflare for SaaS
 * adapter run in e2e/domains.test.ts, against local stand-ins; here a verified domain is marked so
 * in D1, as the verify call would, so that the routing is proven on its own.
 */
const onHost = async (host: string, path: string) => {
  const res = await exports.default.fetch(new Request(`http://${host}${path}`));
  return { status: res.status, text: await res.text() };
};

const markVerified = (id: string) =>
  env.DB.prepare(`UPDATE custom_domains SET status = 'verified', verified_at = ? WHERE id = ?`)
    .bind(Date.now(), id)
    .run();

async function brandedApp(slug: string, brand: string) {
  const t = await tenant();
  await call('/v1/branding', { method: 'PUT', auth: t.key.token, body: { name: brand } });
  const ch = await call('/v1/channels', { auth: t.key.token, body: { slug, display_name: `${brand} channel` } });
  expect(ch.status, ch.text).toBe(201);
  return t;
}

describe('custom domains API', () => {
  it('adds a domain with its TXT record, lists, gets and deletes it; other apps cannot see it', async () => {
    const { key } = await tenant();
    const host = `${unique('w').toLowerCase()}.wedlive.test`;
    const created = await call('/v1/domains', { auth: key.token, body: { hostname: ` ${host.toUpperCase()}. ` } });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({
      id: expect.stringMatching(/^dom_/),
      hostname: host,
      status: 'pending',
      provider: null,
      verification: {
        type: 'txt',
        name: `_edgelive-challenge.${host}`,
        value: expect.stringMatching(/^edgelive-verify=/),
      },
      cname_target: 'edgelive.test',
      watch_url_prefix: `https://${host}/watch/`,
      verified_at: null,
    });
    const id = created.json.id as string;
    expect((await call('/v1/domains', { auth: key.token })).json.data.map((d: { id: string }) => d.id)).toEqual([id]);
    expect((await call(`/v1/domains/${id}`, { auth: key.token })).json.hostname).toBe(host);
    expectError(await call('/v1/domains', { auth: key.token, body: { hostname: host } }), 409, 'conflict');

    const other = await tenant();
    expectError(await call(`/v1/domains/${id}`, { auth: other.key.token }), 404, 'not_found');
    expectError(await call(`/v1/domains/${id}`, { method: 'DELETE', auth: other.key.token }), 404);
    expect((await call('/v1/domains', { auth: other.key.token })).json.data).toEqual([]);
    // Another app may claim the same name while it is pending (only one can prove it) ...
    const rival = await call('/v1/domains', { auth: other.key.token, body: { hostname: host } });
    expect(rival.status, rival.text).toBe(201);
    expect(rival.json.verification.value).not.toBe(created.json.verification.value);
    // ... but not once it is verified.
    await markVerified(id);
    const late = await tenant();
    expectError(await call('/v1/domains', { auth: late.key.token, body: { hostname: host } }), 409, 'hostname_taken');

    expect((await call(`/v1/domains/${id}`, { method: 'DELETE', auth: key.token })).status).toBe(204);
    expectError(await call(`/v1/domains/${id}`, { auth: key.token }), 404);
  });

  it('refuses names that are not DNS hostnames, without creating anything', async () => {
    const { key } = await tenant();
    for (const hostname of [
      'https://watch.example.com',
      'watch.example.com:8443',
      'watch.example.com/path',
      '*.example.com',
      'localhost',
      '10.0.0.1',
      '-bad.example.com',
      'a'.repeat(64) + '.example.com',
      'under_score.example.com',
      '',
    ]) {
      expectError(await call('/v1/domains', { auth: key.token, body: { hostname } }), 400, 'invalid_request');
    }
    expectError(await call('/v1/domains', { auth: key.token, body: {} }), 400);
    expect((await call('/v1/domains', { auth: key.token })).json.data).toEqual([]);
  });
});

describe('watch pages on a custom domain', () => {
  it('a verified domain serves its app’s channels in its branding; pending, unknown and other apps’ pages 404', async () => {
    const a = await brandedApp('wed', 'WedLive');
    const b = await brandedApp('gig', 'GigHub');
    const host = `${unique('v').toLowerCase()}.wedlive.test`;
    const d = await call('/v1/domains', { auth: a.key.token, body: { hostname: host } });

    // Pending: nothing is served on the name, not even the platform's own path form.
    expect((await onHost(host, '/watch/wed')).status).toBe(404);
    expect((await onHost(host, `/watch/${a.app.id}/wed`)).status).toBe(404);

    await markVerified(d.json.id);
    const page = await onHost(host, '/watch/wed');
    expect(page.status, page.text.slice(0, 200)).toBe(200);
    expect(page.text).toContain('<title>WedLive channel · WedLive</title>');
    expect(page.text).toContain(`<meta property="og:url" content="http://${host}/watch/wed">`);
    expect(page.text).not.toMatch(/Edgelive/);
    const state = await onHost(host, '/watch/wed/state.json');
    expect(state.status).toBe(200);
    expect(JSON.parse(state.text)).toMatchObject({ stream: null, recordings: [] });

    // The domain serves its own app only.
    expect((await onHost(host, '/watch/gig')).status).toBe(404);
    expect((await onHost(host, `/watch/${b.app.id}/gig`)).status).toBe(404);
    expect((await onHost(host, '/watch/nope')).status).toBe(404);
    expect((await onHost(host, '/watch/%E0%A4%A')).status).toBe(404);
    // A hostname nobody claimed is the platform's host: the app id is in the path there.
    expect((await onHost('other.wedlive.test', '/watch/wed')).status).toBe(404);
    expect((await onHost('other.wedlive.test', `/watch/${a.app.id}/wed`)).status).toBe(200);

    // Deleting the domain stops it at once.
    await call(`/v1/domains/${d.json.id}`, { method: 'DELETE', auth: a.key.token });
    expect((await onHost(host, '/watch/wed')).status).toBe(404);
  });
});
