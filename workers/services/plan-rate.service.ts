import type { Plan } from '../../core/billing/plans';
import type { Db } from '../../core/db/client';
import type { Env } from '../../core/env';
import { ApiError } from '../lib/errors';
import { d1Limiter, WINDOW_SECONDS } from './rate-limit';
import { orgOfApp, planOfOrg } from './subscriptions.service';

/**
 * The plan's `api_requests_per_minute` (issue 15): every API-key request of an org's apps counts
 * in one per-org fixed window, beside the key's own limit (middleware/rate-limit.ts). Past it the
 * answer is 429 `plan_limit_exceeded` naming the limit, the count, what the plan allows and the
 * plan. The counter is D1's (exact; the Rate Limiting binding's limit is fixed in config, so it
 * cannot follow a plan). Each isolate remembers an app's org and plan for `CACHE_MS`, so a plan
 * change reaches the limit within that.
 */
const CACHE_MS = 30_000;
const known = new Map<string, { at: number; orgId: string; plan: Plan } | { at: number; orgId: null }>();

async function planOfAppCached(db: Db, env: Env, appId: string, now: number) {
  let k = known.get(appId);
  if (!k || now - k.at > CACHE_MS) {
    const orgId = await orgOfApp(db, appId);
    k = orgId ? { at: now, orgId, plan: await planOfOrg(db, env, orgId) } : { at: now, orgId: null };
    known.set(appId, k);
    if (known.size > 5000) known.delete(known.keys().next().value!);
  }
  return k.orgId ? k : null;
}

/** Counts the request against its org's plan; throws the 429 past the plan's per-minute figure. */
export async function hitPlanRate(db: Db, env: Env, appId: string, now = Date.now()): Promise<void> {
  const p = await planOfAppCached(db, env, appId, now);
  const allowed = p?.plan.limits.api_requests_per_minute;
  if (!p || typeof allowed !== 'number') return;
  const d = await d1Limiter(db).hit(`org:${p.orgId}`, allowed);
  if (d.allowed) return;
  const used = d.count ?? allowed + 1;
  throw new ApiError(
    429,
    'plan_limit_exceeded',
    `The ${p.plan.name} plan allows ${allowed} API requests per ${WINDOW_SECONDS} s for the organization's apps; wait ${d.resetSeconds} s or upgrade.`,
    { limit: 'api_requests_per_minute', used, allowed, plan: p.plan.id, window_seconds: WINDOW_SECONDS },
    { 'Retry-After': String(d.resetSeconds) },
  );
}
