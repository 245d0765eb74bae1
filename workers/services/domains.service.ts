import { and, eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { customDomains } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { newId, randomToken } from '../../core/ids';
import { isLocalHost } from '../lib/dev-secrets';
import { ApiError, badRequest, conflict } from '../lib/errors';
import { type DomainRow, txtName } from '../routes/domains.schema';
import { findInApp, pageInApp } from './app-rows';
import { DnsLookupError, lookupTxt } from './dns-txt';
import { ProviderError, providerOf } from './hostname-provider';

/**
 * Custom domains: an app claims a hostname, proves control with a TXT record, and from then on
 * requests whose Host is that name serve the app's watch pages (watch.routes.ts). A hostname is
 * any number of apps' pending claim but one app's verified domain (a partial unique index).
 */
export const MAX_DOMAINS_PER_APP = 20;

export const findDomain = (db: Db, appId: string, id: string): Promise<DomainRow> =>
  findInApp(db, customDomains, 'domain', 'domain', appId, id);

export const listDomains = (db: Db, appId: string, q: { limit: number; cursor?: string }) =>
  pageInApp(db, customDomains, appId, q);

const providerFailure = (err: unknown): never => {
  if (err instanceof ProviderError)
    throw new ApiError(502, 'hostname_provider_error', err.message, { provider_status: err.status });
  throw err;
};

async function verifiedElsewhere(db: Db, hostname: string, appId: string) {
  const row = await db.query.customDomains.findFirst({
    where: and(eq(customDomains.hostname, hostname), eq(customDomains.status, 'verified')),
  });
  return !!row && row.appId !== appId;
}

export async function createDomain(db: Db, env: Env, appId: string, hostname: string): Promise<DomainRow> {
  // Names that never resolve publicly can never be verified by a deployment; local runs use them.
  if (env.ENVIRONMENT === 'production' && isLocalHost(hostname))
    throw badRequest(`${hostname} is a reserved name that cannot be verified.`);
  const mine = await db.query.customDomains.findFirst({
    where: and(eq(customDomains.appId, appId), eq(customDomains.hostname, hostname)),
  });
  if (mine) throw conflict(`${hostname} is already a domain of this app.`);
  if (await verifiedElsewhere(db, hostname, appId))
    throw new ApiError(409, 'hostname_taken', `${hostname} is a verified domain of another app.`);
  if ((await db.$count(customDomains, eq(customDomains.appId, appId))) >= MAX_DOMAINS_PER_APP)
    throw conflict(`An app has at most ${MAX_DOMAINS_PER_APP} domains; delete one first.`);

  const provider = providerOf(env);
  const record = provider ? await provider.create(hostname, appId).catch(providerFailure) : null;
  const row: DomainRow = {
    id: newId('domain'),
    appId,
    hostname,
    status: 'pending',
    verificationToken: record?.txt?.value ?? `edgelive-verify=${randomToken(32)}`,
    providerId: record?.id ?? null,
    verifiedAt: null,
    createdAt: Date.now(),
  };
  await db.insert(customDomains).values(row);
  return row;
}

/** Why a domain is not verified yet, for the 409's details. */
type Check = { ok: true } | { ok: false; details: Record<string, unknown> };

async function check(env: Env, row: DomainRow): Promise<Check> {
  const provider = row.providerId ? providerOf(env) : null;
  if (row.providerId && provider) {
    const rec = await provider.get(row.providerId).catch(providerFailure);
    if (!rec) return { ok: false, details: { provider_status: 'missing' } };
    if (rec.status === 'active') return { ok: true };
    return { ok: false, details: { provider_status: rec.status, ssl_status: rec.ssl_status, errors: rec.errors } };
  }
  const name = txtName(row);
  let found: string[];
  try {
    found = await lookupTxt(env, name);
  } catch (err) {
    if (err instanceof DnsLookupError) throw new ApiError(503, 'dns_unavailable', err.message);
    throw err;
  }
  if (found.includes(row.verificationToken)) return { ok: true };
  return { ok: false, details: { expected: { type: 'txt', name, value: row.verificationToken }, found } };
}

export async function verifyDomain(db: Db, env: Env, row: DomainRow): Promise<DomainRow> {
  if (row.status === 'verified') return row;
  const result = await check(env, row);
  if (!result.ok)
    throw new ApiError(
      409,
      'domain_not_verified',
      `${row.hostname} is not verified yet: add the TXT record and try again (DNS can take a few minutes).`,
      result.details,
    );
  if (await verifiedElsewhere(db, row.hostname, row.appId))
    throw new ApiError(409, 'hostname_taken', `${row.hostname} is a verified domain of another app.`);
  try {
    const [updated] = await db
      .update(customDomains)
      .set({ status: 'verified', verifiedAt: Date.now() })
      .where(eq(customDomains.id, row.id))
      .returning();
    return updated!;
  } catch {
    // The partial unique index: another app verified the same name a moment ago.
    throw new ApiError(409, 'hostname_taken', `${row.hostname} is a verified domain of another app.`);
  }
}

export async function deleteDomain(db: Db, env: Env, row: DomainRow) {
  const provider = row.providerId ? providerOf(env) : null;
  if (provider && row.providerId) await provider.remove(row.providerId).catch(providerFailure);
  await db.delete(customDomains).where(eq(customDomains.id, row.id));
}

/**
 * What a request's Host means for the watch pages: a verified domain (serve that app), a claim not
 * verified yet (serve nothing), or no domain at all (the platform's own host).
 */
export type HostClaim = { kind: 'verified'; appId: string } | { kind: 'pending' } | { kind: 'none' };

export async function claimOfHost(db: Db, hostname: string): Promise<HostClaim> {
  const rows = await db
    .select({ appId: customDomains.appId, status: customDomains.status })
    .from(customDomains)
    .where(eq(customDomains.hostname, hostname.toLowerCase()))
    .limit(MAX_DOMAINS_PER_APP);
  const verified = rows.find((r) => r.status === 'verified');
  if (verified) return { kind: 'verified', appId: verified.appId };
  return rows.length ? { kind: 'pending' } : { kind: 'none' };
}
