import { heartbeatBodySchema } from '@edgelive/shared/origin-fleet';
import { createRoute, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { createDb as createDbFrom } from '../../core/db/client';
import type { AppEnv } from '../env';
import { createRouter, json, publicSecurity } from '../lib/router';
import { renderStatusPage } from '../lib/status-page';
import { type OriginEnv, originAuth, originSecrets } from '../middleware/origin-auth';
import { currentMaintenance } from '../services/maintenance.service';
import { recordHeartbeat } from '../services/origins.service';
import { systemStatus } from '../services/status.service';
import { Maintenance, renderMaintenance } from './admin-platform.schema';

/**
 * Health for operators: `GET /healthz` (liveness: the isolate answers), `GET /v1/status` (public:
 * every component with `operational` / `degraded` / `down`), `GET /status` (a page that renders it)
 * and `POST /internal/origin/heartbeat` (origins say they are alive and how loaded, every 5 s).
 */
const Health = z.enum(['operational', 'degraded', 'down']);
const StatusSchema = z
  .object({
    status: Health,
    checked_at: z.string(),
    components: z.array(
      z.object({
        name: z.string().openapi({ description: '`api`, `d1`, `r2`, `origin:<id>`, `webhooks`' }),
        status: Health,
        detail: z.string(),
        last_heartbeat_at: z.string().nullable().optional(),
      }),
    ),
    maintenance: Maintenance.nullable().openapi({ description: "The operator's maintenance banner, if one is up" }),
  })
  .openapi('SystemStatus');

const statusRoute = createRoute({
  method: 'get',
  path: '/',
  tags: ['Status'],
  operationId: 'getStatus',
  security: publicSecurity,
  summary: 'System status (public)',
  responses: { 200: json(StatusSchema) },
});

export const statusRoutes = createRouter().openapi(statusRoute, async (c) => {
  const body = await systemStatus(c.get('db'), c.env, [...originSecrets(c.env).keys()]);
  const maintenance = renderMaintenance(await currentMaintenance(c.get('db')).catch(() => null));
  c.header('cache-control', 'no-store');
  return c.json({ ...body, maintenance }, 200);
});

export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ ok: true }, 200, { 'cache-control': 'no-store' }))
  .get('/status', (c) => c.html(renderStatusPage()));

export const heartbeatRoutes = new Hono<OriginEnv>().use('*', originAuth).post('/', async (c) => {
  const parsed = heartbeatBodySchema.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) {
    return c.json(
      {
        error: {
          code: 'invalid_request',
          message:
            'Expected {"publications": <count>, "ingest"?: {...}, "cpu"?: <load>, "upload_backlog_bytes"?: <bytes>}.',
          details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      },
      400,
    );
  }
  await recordHeartbeat(createDbFrom(c.env.DB), c.get('originId'), parsed.data);
  return c.body(null, 204);
});
