/**
 * D1 reports a UNIQUE violation as an Error whose message (or cause's) names the constraint. Two
 * requests racing past the same read both try the insert; the unique index decides which one won.
 */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (/UNIQUE constraint failed/i.test(e.message)) return true;
  }
  return false;
}
