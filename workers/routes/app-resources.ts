import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppScopedEnv } from '../env';
import { analyticsRoutes } from './analytics.routes';
import { apiKeyRoutes } from './api-keys.routes';
import { assetChatRoutes } from './asset-chat.routes';
import { assetIngestRoutes } from './asset-ingest.routes';
import { assetRoutes } from './assets.routes';
import { appAuditRoutes } from './audit-log.routes';
import { brandingRoutes } from './branding.routes';
import { channelRoutes } from './channels.routes';
import { chatBanRoutes } from './chat-bans.routes';
import { assetClipRoutes, streamClipRoutes } from './clips.routes';
import { domainRoutes } from './domains.routes';
import { eventRoutes } from './events.routes';
import { roomRoutes } from './rooms.index';
import { signingKeyRoutes } from './signing-keys.routes';
import { simulcastTargetRoutes } from './simulcast-targets.routes';
import { storageRoutes } from './storage.routes';
import { streamHealthRoutes } from './stream-health.routes';
import { streamInputRoutes } from './stream-inputs.routes';
import { streamRoutes } from './streams.routes';
import { uploadRoutes } from './uploads.routes';
import { usageRoutes } from './usage.routes';
import { webhookEndpointRoutes } from './webhook-endpoints.routes';

/**
 * Resources that belong to one app. Each is mounted twice by app.ts: at `/v1/<name>` for API keys
 * (the key decides the app) and at `/v1/apps/{app_id}/<name>` for console sessions. Features add
 * their routers here and get both, with scope, roles and audit, for free.
 */
export const appResources: Record<string, OpenAPIHono<AppScopedEnv>> = {
  'api-keys': apiKeyRoutes,
  'signing-keys': signingKeyRoutes,
  'audit-log': appAuditRoutes,
  rooms: roomRoutes,
  'chat-bans': chatBanRoutes,
  'webhook-endpoints': webhookEndpointRoutes,
  events: eventRoutes,
  // Sub-resources of a stream share its mount (and its `inScope('stream')` loading).
  streams: streamRoutes
    .route('/', simulcastTargetRoutes)
    .route('/', streamHealthRoutes)
    .route('/', streamInputRoutes)
    .route('/', streamClipRoutes),
  channels: channelRoutes,
  branding: brandingRoutes,
  domains: domainRoutes,
  assets: assetRoutes.route('/', assetIngestRoutes).route('/', assetClipRoutes).route('/', assetChatRoutes),
  analytics: analyticsRoutes,
  usage: usageRoutes,
  uploads: uploadRoutes,
  storage: storageRoutes,
};
