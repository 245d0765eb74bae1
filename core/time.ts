/** Timestamps are stored as epoch milliseconds and rendered as ISO 8601 UTC. */
export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

export const now = (): number => Date.now();
