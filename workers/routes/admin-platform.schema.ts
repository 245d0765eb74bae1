import { z } from '@hono/zod-openapi';
import { iso } from '../../core/time';
import type { EndpointBacklogView, webhookBacklog } from '../services/admin-platform.service';
import type { MaintenanceRow } from '../services/maintenance.service';
import type { OriginView } from '../services/origins.service';

/** Shapes of the operator's platform views: origins, the webhook backlog, the maintenance banner. */

const Health = z.enum(['operational', 'degraded', 'down']);

export const AdminOrigin = z
  .object({
    id: z.string(),
    health: Health.openapi({ description: "From the last heartbeat's age (origins beat every 5 s)" }),
    last_heartbeat_at: z.string().nullable(),
    registered_at: z.string().nullable(),
    publications: z.number().int(),
    cpu: z.number().nullable().openapi({ description: 'Load average over cores; 1 is every core busy' }),
    upload_backlog_bytes: z.number().int().nullable(),
    ingest: z
      .object({
        rtmp: z.string(),
        rtmps: z.string().nullable(),
        srt: z.string().nullable(),
        whip: z.string().nullable(),
      })
      .nullable(),
  })
  .openapi('AdminOrigin');

export const renderAdminOrigin = (o: OriginView) => ({
  id: o.originId,
  health: o.health,
  last_heartbeat_at: o.lastSeenAt ? iso(o.lastSeenAt) : null,
  registered_at: iso(o.registeredAt),
  publications: o.publications,
  cpu: o.cpu,
  upload_backlog_bytes: o.backlogBytes,
  ingest: o.ingest ? { ...o.ingest, whip: o.ingest.whip ?? null } : null,
});

const EndpointBacklogSchema = z.object({
  endpoint_id: z.string(),
  url: z.string(),
  app_id: z.string(),
  org_id: z.string(),
  org_name: z.string(),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  failing_since: z.string().nullable(),
  pending: z.number().int(),
  failed: z.number().int(),
  oldest_pending_at: z.string().nullable(),
});

export const WebhookBacklog = z
  .object({
    outbox: z
      .object({ undelivered: z.number().int(), oldest_at: z.string().nullable() })
      .openapi({ description: 'Events not yet handed to their endpoints (the sweeper retries them every minute)' }),
    totals: z.object({ pending: z.number().int(), failed: z.number().int() }),
    endpoints: z.array(EndpointBacklogSchema),
  })
  .openapi('WebhookBacklog');

const renderEndpointBacklog = (e: EndpointBacklogView) => ({
  endpoint_id: e.endpoint.id,
  url: e.endpoint.url,
  app_id: e.endpoint.appId,
  org_id: e.orgId,
  org_name: e.orgName,
  enabled: e.endpoint.enabled,
  disabled_reason: e.endpoint.disabledReason,
  failing_since: iso(e.endpoint.failingSince),
  pending: e.pending,
  failed: e.failed,
  oldest_pending_at: e.oldest_pending_at,
});

export const renderWebhookBacklog = (b: Awaited<ReturnType<typeof webhookBacklog>>) => ({
  outbox: { undelivered: b.outbox.undelivered, oldest_at: iso(b.outbox.oldestAt) },
  totals: b.totals,
  endpoints: b.endpoints.map(renderEndpointBacklog),
});

export const Maintenance = z
  .object({
    message: z.string(),
    level: z.enum(['info', 'warning']),
    starts_at: z.string().nullable(),
    ends_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .openapi('Maintenance');

export const MaintenanceAnswer = z
  .object({ maintenance: Maintenance.nullable() })
  .openapi('MaintenanceAnswer', { description: '`maintenance` is null when no banner is up' });

export const renderMaintenance = (m: MaintenanceRow | null) =>
  m
    ? {
        message: m.message,
        level: m.level,
        starts_at: iso(m.startsAt),
        ends_at: iso(m.endsAt),
        updated_at: iso(m.updatedAt)!,
      }
    : null;

const isoTime = z.string().datetime({ offset: true }).openapi({ example: '2026-12-01T22:00:00Z' });

export const MaintenanceBody = z
  .object({
    message: z.string().trim().min(1).max(500),
    level: z.enum(['info', 'warning']).default('info'),
    starts_at: isoTime.nullable().optional(),
    ends_at: isoTime.nullable().optional(),
  })
  .strict()
  .refine((b) => !b.starts_at || !b.ends_at || Date.parse(b.starts_at) < Date.parse(b.ends_at), {
    message: '`starts_at` must be before `ends_at`.',
    path: ['ends_at'],
  });
