import { createRoute, z } from '@hono/zod-openapi';
import { commonErrors, createRouter, json, jsonBody, publicSecurity, sessionSecurity } from '../lib/router';
import { clientIp } from '../middleware/audit';
import { originSecrets } from '../middleware/origin-auth';
import { adminOrigins, webhookBacklog } from '../services/admin-platform.service';
import { clearMaintenance, currentMaintenance, setMaintenance } from '../services/maintenance.service';
import { recordOperatorAction } from '../services/operators.service';
import {
  AdminOrigin,
  MaintenanceAnswer,
  MaintenanceBody,
  renderAdminOrigin,
  renderMaintenance,
  renderWebhookBacklog,
  WebhookBacklog,
} from './admin-platform.schema';

/**
 * The operator's platform views (mounted at /v1/admin behind `operatorOnly`, like admin.routes.ts):
 * the origin fleet and its health, the webhook backlog, and the maintenance banner, whose setting
 * and clearing go to the operator audit log. Everyone can read the banner at `GET /v1/maintenance`.
 */
const tags = ['Admin'];
const errors = { 400: commonErrors[400], 403: commonErrors[403], 404: commonErrors[404] };

const origins = createRoute({
  method: 'get',
  path: '/origins',
  operationId: 'listAdminOrigins',
  tags,
  security: sessionSecurity,
  summary: 'Every media origin: health from its heartbeats, load, upload backlog, ingest URLs',
  responses: { 200: json(z.object({ data: z.array(AdminOrigin) })), ...errors },
});
const backlog = createRoute({
  method: 'get',
  path: '/webhooks/backlog',
  operationId: 'getAdminWebhookBacklog',
  tags,
  security: sessionSecurity,
  summary: "What waits for webhook delivery: the events outbox and each endpoint's queue",
  responses: { 200: json(WebhookBacklog), ...errors },
});
const setBanner = createRoute({
  method: 'put',
  path: '/maintenance',
  operationId: 'setMaintenance',
  tags,
  security: sessionSecurity,
  summary: 'Put up the maintenance banner (the console shows it to everyone; GET /v1/maintenance reports it)',
  request: jsonBody(MaintenanceBody),
  responses: { 200: json(MaintenanceAnswer), ...errors },
});
const clearBanner = createRoute({
  method: 'delete',
  path: '/maintenance',
  operationId: 'clearMaintenance',
  tags,
  security: sessionSecurity,
  summary: 'Take the maintenance banner down',
  responses: { 200: json(MaintenanceAnswer), ...errors },
});

export const adminPlatformRoutes = createRouter()
  .openapi(origins, async (c) => {
    const rows = await adminOrigins(c.get('db'), [...originSecrets(c.env).keys()]);
    return c.json({ data: rows.map(renderAdminOrigin) }, 200);
  })
  .openapi(backlog, async (c) => c.json(renderWebhookBacklog(await webhookBacklog(c.get('db'), c.env)), 200))
  .openapi(setBanner, async (c) => {
    const db = c.get('db');
    const b = c.req.valid('json');
    const at = (s: string | null | undefined) => (s ? Date.parse(s) : null);
    const row = await setMaintenance(db, c.get('operator'), {
      message: b.message,
      level: b.level,
      startsAt: at(b.starts_at),
      endsAt: at(b.ends_at),
    });
    await recordOperatorAction(
      db,
      c.get('operator'),
      {
        action: 'maintenance.set',
        targetType: 'platform',
        targetId: 'maintenance',
        orgId: null,
        details: { message: b.message, level: b.level, ends_at: b.ends_at ?? null },
      },
      clientIp(c),
    );
    return c.json({ maintenance: renderMaintenance(row) }, 200);
  })
  .openapi(clearBanner, async (c) => {
    const db = c.get('db');
    const was = await currentMaintenance(db);
    if (await clearMaintenance(db)) {
      await recordOperatorAction(
        db,
        c.get('operator'),
        {
          action: 'maintenance.clear',
          targetType: 'platform',
          targetId: 'maintenance',
          orgId: null,
          details: { message: was?.message ?? null },
        },
        clientIp(c),
      );
    }
    return c.json({ maintenance: null }, 200);
  });

const publicBanner = createRoute({
  method: 'get',
  path: '/',
  operationId: 'getMaintenance',
  tags: ['Status'],
  security: publicSecurity,
  summary: 'The maintenance banner, if an operator has put one up (public)',
  responses: { 200: json(MaintenanceAnswer) },
});

/** `GET /v1/maintenance`: public, as the console shows the banner before anyone signs in. */
export const maintenanceRoutes = createRouter().openapi(publicBanner, async (c) => {
  c.header('cache-control', 'no-store');
  return c.json({ maintenance: renderMaintenance(await currentMaintenance(c.get('db'))) }, 200);
});
