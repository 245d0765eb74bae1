import { originHealth } from '@edgelive/shared/origin-fleet';
import { count, isNull } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { events, originHeartbeats } from '../../core/db/schema/index';
import type { Env } from '../../core/env';

/**
 * What `/v1/status` reports: each component `operational`, `degraded` or `down`, checked live
 * (D1 and R2 are asked something cheap) or from what was recorded (origin heartbeats, the events
 * outbox). The overall status is the worst of them.
 */
export type Health = 'operational' | 'degraded' | 'down';

export interface Component {
  name: string;
  status: Health;
  detail: string;
  last_heartbeat_at?: string | null;
}

// Origins beat every 5 s; late after two missed, down after three (packages/shared/src/origin-fleet.ts).
/** A probe slower than this marks its store degraded. */
const SLOW_MS = 1000;
const BACKLOG_DEGRADED = 1000;

const RANK: Record<Health, number> = { operational: 0, degraded: 1, down: 2 };
export const worst = (hs: Health[]) => hs.reduce<Health>((a, b) => (RANK[b] > RANK[a] ? b : a), 'operational');

async function timed(name: string, probe: () => Promise<unknown>): Promise<Component> {
  const t0 = Date.now();
  try {
    await probe();
    const ms = Date.now() - t0;
    return { name, status: ms > SLOW_MS ? 'degraded' : 'operational', detail: `answered in ${ms} ms` };
  } catch (err) {
    return { name, status: 'down', detail: err instanceof Error ? err.message.slice(0, 200) : 'failed' };
  }
}

export async function systemStatus(db: Db, env: Env, configuredOrigins: string[], now = Date.now()) {
  const components: Component[] = [{ name: 'api', status: 'operational', detail: 'answering' }];
  components.push(await timed('d1', () => env.DB.prepare('SELECT 1').first()));
  components.push(await timed('r2', () => env.MEDIA.head('status-probe')));
  const beats = new Map(
    (
      await db
        .select()
        .from(originHeartbeats)
        .all()
        .catch(() => [])
    ).map((b) => [b.originId, b] as const),
  );
  for (const id of new Set([...configuredOrigins, ...beats.keys()])) {
    const beat = beats.get(id);
    const status = originHealth(beat?.lastSeenAt ?? null, now);
    components.push({
      name: `origin:${id}`,
      status,
      detail: beat
        ? `${beat.publications} live publication(s); last heartbeat ${Math.round((now - beat.lastSeenAt) / 1000)} s ago`
        : 'no heartbeat yet',
      last_heartbeat_at: beat ? new Date(beat.lastSeenAt).toISOString() : null,
    });
  }
  const backlog = await db
    .select({ n: count() })
    .from(events)
    .where(isNull(events.deliveredAt))
    .get()
    .then((r) => r?.n ?? 0)
    .catch(() => null);
  components.push({
    name: 'webhooks',
    status: backlog === null ? 'down' : backlog > BACKLOG_DEGRADED ? 'degraded' : 'operational',
    detail: backlog === null ? 'backlog unknown' : `${backlog} event(s) waiting for delivery`,
  });
  return { status: worst(components.map((c) => c.status)), checked_at: new Date(now).toISOString(), components };
}
