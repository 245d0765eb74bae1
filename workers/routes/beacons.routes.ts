import { BEACON_LIMITS, BeaconSchema } from '@edgelive/shared/beacons';
import { createRoute, z } from '@hono/zod-openapi';
import { INGEST_REFUSALS } from '../../durable-objects/analytics/contract';
import { createRouter, ErrorSchema, json, publicSecurity } from '../lib/router';
import { orThrow } from '../lib/rpc-errors';
import { ingestBeacon, parseBeacon, readBounded } from '../services/beacons.service';

/**
 * `POST /v1/beacons`: public, keyed by playback id (anyone who can play a video can report on
 * playing it). Body: one beacon (packages/shared/src/beacons.ts) as JSON, with content type
 * `text/plain` (what `navigator.sendBeacon` sends, no CORS preflight) or `application/json`.
 * Limits: BEACON_LIMITS bytes per body, beacons per view and per address per minute (429).
 */
const err = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['Analytics'],
  operationId: 'reportBeacon',
  security: publicSecurity,
  summary: 'Report a player beacon',
  description: `Public. At most ${BEACON_LIMITS.maxBodyBytes} bytes; ${BEACON_LIMITS.perViewPerMinute} beacons per view per minute.`,
  // Documented here; validated by hand below because sendBeacon's text/plain body is JSON too.
  request: { body: { content: { 'application/json': { schema: BeaconSchema.openapi('Beacon') } }, required: true } },
  responses: {
    202: json(z.object({ accepted: z.boolean() }).openapi('BeaconAccepted'), 'Folded into the view (false: a repeat)'),
    400: err('Not a beacon'),
    404: err('Unknown playback id'),
    413: err('Body too large'),
    415: err('Not JSON or text'),
    429: err('Too many beacons'),
  },
});

export const beaconRoutes = createRouter();
// Documented for the OpenAPI document but not validated by zod-openapi: its body validator would
// refuse sendBeacon's text/plain body and read the stream before the size bound could.
beaconRoutes.openAPIRegistry.registerPath(route);
beaconRoutes.post('/', async (c) => {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && type !== 'text/plain' && type !== '') {
    return c.json(
      {
        error: { code: 'unsupported_media_type', message: 'Send the beacon as JSON (application/json or text/plain).' },
      },
      415,
    );
  }
  const beacon = parseBeacon(await readBounded(c.req.raw, BEACON_LIMITS.maxBodyBytes));
  const cf = c.req.raw.cf as { country?: string } | undefined;
  const result = orThrow(
    await ingestBeacon(c.get('db'), c.env, beacon, {
      address: c.req.header('cf-connecting-ip') ?? 'unknown',
      country: typeof cf?.country === 'string' ? cf.country : 'unknown',
      userAgent: c.req.header('user-agent'),
      secChUa: c.req.header('sec-ch-ua'),
    }),
    INGEST_REFUSALS,
  );
  return c.json({ accepted: result.accepted }, 202);
});
