import { z } from 'zod';

/**
 * Origins as a fleet: what an origin tells the control plane about itself with every heartbeat
 * (`POST /internal/origin/heartbeat`), and how the control plane judges it. The agent builds its
 * heartbeat with these schemas and the Worker validates with them. Imported by the agent on Node 22
 * as `@edgelive/shared/origin-fleet`, so it imports nothing but zod.
 */

/** How often an origin beats; three missed in a row and it is down. */
export const HEARTBEAT_MS = 5000;
/** A heartbeat older than this is late (degraded), older than ORIGIN_DOWN_MS the origin is down. */
export const ORIGIN_LATE_MS = 10_000;
export const ORIGIN_DOWN_MS = 15_000;

const url = (scheme: string) =>
  z
    .string()
    .max(300)
    .refine((u) => u.startsWith(`${scheme}://`) && URL.canParse(u), `expected a ${scheme}:// URL`);

/** Where publishers reach this origin, one URL per protocol it has on. */
export const ingestUrlsSchema = z
  .object({
    rtmp: url('rtmp'),
    rtmps: url('rtmps').nullable(),
    srt: url('srt').nullable(),
    // WHIP's endpoint (http:// or https:// behind a TLS proxy); optional, as origins older than
    // WHIP send none.
    whip: z
      .string()
      .max(300)
      .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), 'expected an http(s):// URL')
      .nullable()
      .optional(),
  })
  .strict();
export type IngestUrls = z.infer<typeof ingestUrlsSchema>;

export const heartbeatBodySchema = z
  .object({
    /** Live publications on this origin right now. */
    publications: z.number().int().min(0).max(100_000),
    ingest: ingestUrlsSchema.optional(),
    /** One-minute load average divided by the cores: 1 is every core busy. */
    cpu: z.number().min(0).max(1000).optional(),
    /** Segment bytes waiting for upload (a backlog means the Worker is slow or unreachable). */
    upload_backlog_bytes: z.number().int().min(0).max(1e15).optional(),
  })
  .strict();
export type HeartbeatBody = z.infer<typeof heartbeatBodySchema>;

export type OriginHealth = 'operational' | 'degraded' | 'down';

export function originHealth(lastSeenAt: number | null, now: number): OriginHealth {
  if (lastSeenAt === null) return 'down';
  const age = now - lastSeenAt;
  return age > ORIGIN_DOWN_MS ? 'down' : age > ORIGIN_LATE_MS ? 'degraded' : 'operational';
}

/**
 * Which origin a new publisher is sent to: a healthy one (an operational heartbeat) with ingest
 * URLs, fewest live publications first, then least CPU, then the smallest upload backlog; the
 * id breaks ties so every Worker isolate answers the same.
 */
export function leastLoaded<
  T extends { originId: string; publications: number; cpu: number | null; backlogBytes: number | null },
>(healthy: T[]): T | null {
  const sorted = [...healthy].sort(
    (a, b) =>
      a.publications - b.publications ||
      (a.cpu ?? 0) - (b.cpu ?? 0) ||
      (a.backlogBytes ?? 0) - (b.backlogBytes ?? 0) ||
      a.originId.localeCompare(b.originId),
  );
  return sorted[0] ?? null;
}
