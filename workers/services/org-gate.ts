import { eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { apps, orgs } from '../../core/db/schema/index';
import { ApiError } from '../lib/errors';
import { hasTwoFactor } from './two-factor.service';

/**
 * What every scope checks about the org before a route runs, from one read of the org row:
 * a suspended org (an operator's decision) answers 403 `org_suspended` to its keys and members;
 * an org that requires two-factor sign-in refuses members without it.
 */
export const orgSuspended = () =>
  new ApiError(403, 'org_suspended', 'This organization is suspended. Contact the platform operator.');

export interface GateOptions {
  /** The member being checked for two-factor sign-in; none for API keys. */
  userId?: string;
  /** Skip the two-factor rule (the owner's way back to the org's security setting). */
  skipTwoFactor?: boolean;
  /** A read in an operator's view-as session: support may look at a suspended org. */
  operatorRead?: boolean;
}

export async function assertOrgGate(db: Db, orgId: string, opts: GateOptions = {}) {
  const org = await db.query.orgs.findFirst({
    where: eq(orgs.id, orgId),
    columns: { requireTwoFactor: true, suspendedAt: true },
  });
  if (!org) return;
  if (org.suspendedAt && !opts.operatorRead) throw orgSuspended();
  if (opts.userId && !opts.skipTwoFactor && org.requireTwoFactor && !(await hasTwoFactor(db, opts.userId))) {
    throw new ApiError(
      403,
      'two_factor_required',
      'This organization requires two-factor sign-in; turn it on under your account.',
    );
  }
}

export async function orgIsSuspended(db: Db, orgId: string): Promise<boolean> {
  const org = await db.query.orgs.findFirst({ where: eq(orgs.id, orgId), columns: { suspendedAt: true } });
  return org?.suspendedAt != null;
}

/** For public pages keyed by app (watch pages): whether the app's org is suspended. */
export async function appOrgSuspended(db: Db, appId: string): Promise<boolean> {
  const row = await db
    .select({ suspendedAt: orgs.suspendedAt })
    .from(apps)
    .innerJoin(orgs, eq(orgs.id, apps.orgId))
    .where(eq(apps.id, appId))
    .get();
  return row?.suspendedAt != null;
}

/** What a viewer sees instead of a suspended org's page: nothing about why, nothing of the org. */
export const UNAVAILABLE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Unavailable</title><style>body{font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;background:#f6f6f7;color:#333}main{text-align:center;padding:2rem}</style></head><body><main><h1>This page is not available</h1><p>Please check back later.</p></main></body></html>`;
