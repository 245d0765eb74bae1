import { request } from 'node:http';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, screenshot } from './console/browser.ts';
import { CloudflareStandIn } from './harness/cloudflare-standin.ts';
import { startTestStack, type TestStack } from './harness/stack.ts';

/**
 * Custom domains through the real Worker (wrangler dev), with the DNS resolver and Cloudflare's
 * custom hostnames API played by a local stand-in (e2e/harness/cloudflare-standin.ts):
 * - without Cloudflare for SaaS the Worker checks the TXT record itself over DNS-over-HTTPS;
 * - with it, the adapter creates the custom hostname, relays Cloudflare's TXT record, asks
 *   Cloudflare whether it is active, and removes it with the domain.
 * Then Chromium, told that the hostname lives on 127.0.0.1, opens the watch page on it.
 */
const DNS_PORT = 20111;
let standin: CloudflareStandIn;
let self: TestStack;
let saas: TestStack;

beforeAll(async () => {
  standin = await new CloudflareStandIn(DNS_PORT).start();
  [self, saas] = await Promise.all([
    startTestStack({ port: 20110, vars: { DNS_RESOLVER_URL: standin.resolverUrl } }),
    startTestStack({
      port: 20112,
      vars: {
        DNS_RESOLVER_URL: standin.resolverUrl,
        CF_API_BASE_URL: standin.apiBase,
        CF_SAAS_ZONE_ID: standin.zoneId,
        CF_API_TOKEN: standin.token,
        CUSTOM_DOMAIN_TARGET: 'customers.edgelive.test',
      },
    }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([self?.stop(), saas?.stop()]);
  await standin?.stop();
});

/** A request with another Host, the way a CNAME'd domain reaches the Worker. */
function onHost(port: number, host: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Domain {
  id: string;
  status: string;
  provider: string | null;
  verification: { name: string; value: string };
  cname_target: string;
}

async function brandedChannel(stack: TestStack, slug: string) {
  await stack.api.call('PUT', '/v1/branding', {
    name: 'WedLive',
    theme: 'light',
    colors: { accent: '#be185d' },
    footer: 'WedLive · weddings, streamed',
  });
  await stack.api.call('POST', '/v1/channels', {
    slug,
    display_name: 'Sam & Alex',
    bio: 'Our ceremony, live on Saturday at 3 pm.',
  });
}

describe('custom domains', () => {
  it('without a provider: the TXT record verifies the domain, which then serves the branded watch page', async () => {
    const host = 'watch.samandalex.test';
    await brandedChannel(self, 'ceremony');
    const app = self.demo.app.id;
    // The console's path, as the issue names it.
    const d = await self.console.call<Domain>('POST', `/v1/apps/${app}/domains`, { hostname: host });
    expect(d).toMatchObject({ status: 'pending', provider: null });
    expect(d.verification.name).toBe(`_edgelive-challenge.${host}`);
    expect((await onHost(20110, host, '/watch/ceremony')).status).toBe(404);

    const early = await self.console.request<{ error: { code: string; details: { found: string[] } } }>(
      'POST',
      `/v1/apps/${app}/domains/${d.id}/verify`,
    );
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'domain_not_verified', details: { found: [] } });
    // A wrong value does not verify either.
    standin.addTxt(d.verification.name, 'edgelive-verify=someone-elses');
    expect((await self.console.request('POST', `/v1/apps/${app}/domains/${d.id}/verify`)).status).toBe(409);

    standin.addTxt(d.verification.name, d.verification.value);
    const ok = await self.console.call<Domain & { verified_at: string }>(
      'POST',
      `/v1/apps/${app}/domains/${d.id}/verify`,
    );
    expect(ok.status).toBe('verified');
    expect(Date.parse(ok.verified_at)).toBeGreaterThan(0);

    const page = await onHost(20110, host, '/watch/ceremony');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<meta property="og:url" content="http://${host}/watch/ceremony">`);
    expect(page.text).toContain('WedLive');
    expect(page.text).not.toContain('Edgelive');
    expect((await onHost(20110, host, `/watch/${app}/ceremony`)).status).toBe(404);
    expect((await onHost(20110, 'unknown.samandalex.test', '/watch/ceremony')).status).toBe(404);

    // In a browser that resolves the hostname to this machine, as DNS would after the CNAME.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--host-resolver-rules=MAP ${host} 127.0.0.1:20110`,
      ],
    });
    try {
      const tab = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
      const res = await tab.goto(`http://${host}/watch/ceremony`);
      expect(res?.status()).toBe(200);
      expect(await tab.title()).toBe('Sam & Alex · WedLive');
      expect(await tab.locator('body').innerText()).toContain('Offline');
      await screenshot(tab, 'domains-01-custom-domain-watch-page');
    } finally {
      await browser.close();
    }
  });

  it('with Cloudflare for SaaS: the adapter creates the custom hostname, waits for it to be active, removes it', async () => {
    const host = 'live.gighub.test';
    await brandedChannel(saas, 'tour');
    const created = await saas.api.call<Domain>('POST', '/v1/domains', { hostname: host });
    const sent = standin.requests.find((r) => r.method === 'POST');
    expect(sent).toMatchObject({
      path: `/client/v4/zones/${standin.zoneId}/custom_hostnames`,
      authorization: `Bearer ${standin.token}`,
      body: { hostname: host, ssl: { method: 'txt', type: 'dv' }, custom_metadata: { app_id: saas.demo.app.id } },
    });
    const cf = [...standin.hostnames.values()].find((h) => h.hostname === host)!;
    expect(created).toMatchObject({
      status: 'pending',
      provider: 'cloudflare_for_saas',
      cname_target: 'customers.edgelive.test',
      verification: { name: `_cf-custom-hostname.${host}`, value: cf.ownership_verification.value },
    });

    const early = await saas.api.request<{ error: { code: string; details: Record<string, unknown> } }>(
      'POST',
      `/v1/domains/${created.id}/verify`,
    );
    expect(early.status).toBe(409);
    expect(early.body.error.details).toMatchObject({ provider_status: 'pending' });
    expect((await onHost(20112, host, '/watch/tour')).status).toBe(404);

    standin.addTxt(created.verification.name, created.verification.value);
    const ok = await saas.api.call<Domain>('POST', `/v1/domains/${created.id}/verify`);
    expect(ok.status).toBe('verified');
    expect(standin.requests.some((r) => r.method === 'GET' && r.path.endsWith(`/custom_hostnames/${cf.id}`))).toBe(
      true,
    );
    const page = await onHost(20112, host, '/watch/tour');
    expect(page.status).toBe(200);
    expect(page.text).toContain('WedLive');

    expect((await saas.api.request('DELETE', `/v1/domains/${created.id}`)).status).toBe(204);
    expect(standin.hostnames.has(cf.id)).toBe(false);
    expect((await onHost(20112, host, '/watch/tour')).status).toBe(404);
  });
});
