import type { Env } from '../../core/env';

/**
 * Where a verified custom domain is made to reach this Worker. In production that is Cloudflare
 * for SaaS: each domain is a custom hostname on the SaaS zone, Cloudflare checks the customer's
 * TXT record (or HTTP token), issues the certificate and routes the traffic; its status is the
 * truth. Without a zone configured (self-hosting, local runs) there is no provider: the Worker
 * checks the TXT record itself and the operator routes the hostnames.
 *
 * The adapter speaks the v4 API as documented (`POST/GET/DELETE /zones/{zone_id}/custom_hostnames`,
 * the `{success, errors, result}` envelope), with fetch and a configurable base URL: the tests run
 * it against a local stand-in of that API (e2e/harness/cloudflare-standin.ts).
 */
export interface ProviderRecord {
  id: string;
  /** `active` once Cloudflare verified ownership (and routes the name to the zone). */
  status: string;
  ssl_status: string | null;
  /** What the customer adds: the TXT record, and the HTTP token alternative. */
  txt: { name: string; value: string } | null;
  http: { url: string; body: string } | null;
  errors: string[];
}

export interface HostnameProvider {
  readonly name: 'cloudflare_for_saas';
  create(hostname: string, appId: string): Promise<ProviderRecord>;
  get(id: string): Promise<ProviderRecord | null>;
  remove(id: string): Promise<void>;
}

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface CfHostname {
  id: string;
  hostname: string;
  status?: string;
  ssl?: { status?: string };
  ownership_verification?: { type?: string; name?: string; value?: string };
  ownership_verification_http?: { http_url?: string; http_body?: string };
  verification_errors?: string[];
}
interface CfEnvelope<T> {
  success: boolean;
  errors?: { code?: number; message?: string }[];
  result: T;
}

const DEFAULT_BASE = 'https://api.cloudflare.com/client/v4';
const TIMEOUT_MS = 10_000;
/** Cloudflare's code for "this hostname is already a custom hostname of this zone". */
const DUPLICATE_HOSTNAME = 1406;

const toRecord = (h: CfHostname): ProviderRecord => ({
  id: h.id,
  status: h.status ?? 'pending',
  ssl_status: h.ssl?.status ?? null,
  txt: h.ownership_verification?.name
    ? { name: h.ownership_verification.name, value: h.ownership_verification.value ?? '' }
    : null,
  http: h.ownership_verification_http?.http_url
    ? { url: h.ownership_verification_http.http_url, body: h.ownership_verification_http.http_body ?? '' }
    : null,
  errors: h.verification_errors ?? [],
});

export function cloudflareForSaas(opts: { baseUrl?: string; token: string; zoneId: string }): HostnameProvider {
  const base = `${(opts.baseUrl || DEFAULT_BASE).replace(/\/$/, '')}/zones/${encodeURIComponent(opts.zoneId)}/custom_hostnames`;
  async function call<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: CfEnvelope<T> }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new ProviderError(`Cloudflare could not be reached (${(err as Error).message}).`, 502);
    }
    const body = (await res.json().catch(() => null)) as CfEnvelope<T> | null;
    if (!body || typeof body.success !== 'boolean') throw new ProviderError(`Cloudflare answered ${res.status}.`, 502);
    return { status: res.status, body };
  }
  const failure = (b: CfEnvelope<unknown>, status: number) =>
    new ProviderError(`Cloudflare refused: ${(b.errors ?? []).map((e) => e.message).join('; ') || status}`, status);

  return {
    name: 'cloudflare_for_saas',
    async create(hostname, appId) {
      const r = await call<CfHostname>('', {
        method: 'POST',
        body: JSON.stringify({ hostname, ssl: { method: 'txt', type: 'dv' }, custom_metadata: { app_id: appId } }),
      });
      if (r.body.success) return toRecord(r.body.result);
      // Added before (a retry after a lost answer): adopt the existing one instead of failing.
      if (r.body.errors?.some((e) => e.code === DUPLICATE_HOSTNAME)) {
        const found = await call<CfHostname[]>(`?hostname=${encodeURIComponent(hostname)}`);
        const existing = found.body.success ? found.body.result.find((h) => h.hostname === hostname) : undefined;
        if (existing) return toRecord(existing);
      }
      throw failure(r.body, r.status);
    },
    async get(id) {
      const r = await call<CfHostname>(`/${encodeURIComponent(id)}`);
      if (r.status === 404) return null;
      if (!r.body.success) throw failure(r.body, r.status);
      return toRecord(r.body.result);
    },
    async remove(id) {
      const r = await call<{ id: string }>(`/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (!r.body.success && r.status !== 404) throw failure(r.body, r.status);
    },
  };
}

/** The provider this deployment is configured with, if any. */
export function providerOf(env: Env): HostnameProvider | null {
  if (!env.CF_SAAS_ZONE_ID || !env.CF_API_TOKEN) return null;
  return cloudflareForSaas({ baseUrl: env.CF_API_BASE_URL, token: env.CF_API_TOKEN, zoneId: env.CF_SAAS_ZONE_ID });
}
