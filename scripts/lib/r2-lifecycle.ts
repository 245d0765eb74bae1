/**
 * The media bucket's R2 lifecycle rules (issue 14), set by `./edgelive deploy` with
 * `wrangler r2 bucket lifecycle set` (Wrangler's config has no field for them). They are the
 * backstop under the Worker's own hygiene (the Cron Trigger aborts expired tus uploads, deletes
 * live-only media and expired recordings, and drains deleted apps' media):
 * - `abort-abandoned-multipart`: any multipart upload still open a day after the longest upload
 *   timeout the API allows (`POST /v1/uploads` `timeout` ≤ 7 days) is aborted, so parts the
 *   Worker lost track of stop being billed.
 * - `expire-media` (only with `--media-expire-days N`): every object older than N days is
 *   deleted, for deployments that promise to keep nothing longer, whatever the apps' retention.
 */
export const MAX_UPLOAD_TIMEOUT_DAYS = 7;
const DAY_S = 86_400;

interface AgeCondition {
  type: 'Age';
  maxAge: number;
}
export interface LifecycleRule {
  id: string;
  enabled: boolean;
  conditions: { prefix: string };
  abortMultipartUploadsTransition?: { condition: AgeCondition };
  deleteObjectsTransition?: { condition: AgeCondition };
}

export function lifecycleRules(opts: { expireDays?: number } = {}): { rules: LifecycleRule[] } {
  const rules: LifecycleRule[] = [
    {
      id: 'abort-abandoned-multipart',
      enabled: true,
      conditions: { prefix: '' },
      abortMultipartUploadsTransition: { condition: { type: 'Age', maxAge: (MAX_UPLOAD_TIMEOUT_DAYS + 1) * DAY_S } },
    },
  ];
  if (opts.expireDays !== undefined)
    rules.push({
      id: 'expire-media',
      enabled: true,
      conditions: { prefix: '' },
      deleteObjectsTransition: { condition: { type: 'Age', maxAge: opts.expireDays * DAY_S } },
    });
  return { rules };
}

/**
 * What R2's lifecycle API accepts (and `wrangler r2 bucket lifecycle set` sends as is): the dry
 * run checks the file it would send, since nothing can check it without a Cloudflare account.
 * Returns the problems found, none when the file is good.
 */
export function lifecycleProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const rules = (doc as { rules?: unknown })?.rules;
  if (!Array.isArray(rules)) return ["the file must hold a 'rules' array"];
  if (rules.length > 1000) problems.push('R2 takes at most 1000 rules');
  const ids = new Set<string>();
  for (const [i, r] of (rules as Partial<LifecycleRule>[]).entries()) {
    const at = `rule ${i} (${String(r.id)})`;
    if (typeof r.id !== 'string' || !r.id) problems.push(`${at}: an id is required`);
    else if (ids.has(r.id)) problems.push(`${at}: the id is used twice`);
    else ids.add(r.id);
    if (typeof r.enabled !== 'boolean') problems.push(`${at}: enabled must be true or false`);
    if (typeof r.conditions?.prefix !== 'string') problems.push(`${at}: conditions.prefix must be a string`);
    const actions = [r.abortMultipartUploadsTransition, r.deleteObjectsTransition].filter(Boolean);
    if (!actions.length) problems.push(`${at}: no action`);
    for (const a of actions) {
      const c = a!.condition;
      if (c?.type !== 'Age' || !Number.isInteger(c.maxAge) || c.maxAge < DAY_S || c.maxAge % DAY_S !== 0)
        problems.push(`${at}: an Age condition is a whole number of days, in seconds (at least ${DAY_S})`);
    }
  }
  return problems;
}
