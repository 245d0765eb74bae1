import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { createDb } from '../core/db/client';
import type { AppEnv } from './env';
import { unsafeSecrets } from './lib/dev-secrets';
import { ApiError, errorResponse } from './lib/errors';
import { applyConventions } from './lib/openapi-conventions';
import { declarePathParams, type OpenApiDoc } from './lib/openapi-params';
import { annotateScopes } from './lib/openapi-scopes';
import { renderReference } from './lib/reference-page';
import { createRouter } from './lib/router';
import { auditChanges } from './middleware/audit';
import { authenticate } from './middleware/authenticate';
import { cors } from './middleware/cors';
import { csrf } from './middleware/csrf';
import { idempotency } from './middleware/idempotency';
import { keyScope } from './middleware/key-scope';
import { meterApiRequests } from './middleware/meter-api';
import { rateLimit } from './middleware/rate-limit';
import { requestLog } from './middleware/request-log';
import { apiKeyScope, sessionAppScope } from './middleware/scope';
import { adminRoutes, operatorOnly } from './routes/admin.routes';
import { adminPlatformRoutes, maintenanceRoutes } from './routes/admin-platform.routes';
import { appResources } from './routes/app-resources';
import { appItemRoutes, appRoutes } from './routes/apps.routes';
import { authRoutes } from './routes/auth.routes';
import { authEmailRoutes } from './routes/auth-email.routes';
import { authOAuthRoutes } from './routes/auth-oauth.routes';
import { authPasskeyRoutes } from './routes/auth-passkeys.routes';
import { authTotpRoutes, orgSecurityRoutes } from './routes/auth-totp.routes';
import { beaconRoutes } from './routes/beacons.routes';
import { billingRoutes, planRoutes } from './routes/billing.routes';
import { billingStripeRoutes, stripeWebhookRoutes } from './routes/billing-stripe.routes';
import { channelImageRoutes } from './routes/channel-images.routes';
import { chatReplayRoutes } from './routes/chat-replay.routes';
import { downloadRoutes } from './routes/downloads.routes';
import { embedRoutes } from './routes/embed.routes';
import { hlsRoutes } from './routes/hls.routes';
import { inputPreviewRoutes } from './routes/input-previews.routes';
import { invoiceRoutes } from './routes/invoices.routes';
import { mediaJobRoutes } from './routes/media-jobs.routes';
import { invitationRoutes, orgRoutes } from './routes/orgs.routes';
import { originRoutes } from './routes/origin.routes';
import { originHealthRoutes } from './routes/origin-health.routes';
import { originInputRoutes } from './routes/origin-inputs.routes';
import { originPartRoutes } from './routes/origin-parts.routes';
import { originSimulcastRoutes } from './routes/origin-simulcast.routes';
import { roomConsoleSocketRoutes } from './routes/room-console-socket.routes';
import { roomSocketRoutes } from './routes/room-socket.routes';
import { healthRoutes, heartbeatRoutes, statusRoutes } from './routes/status.routes';
import { thumbnailRoutes } from './routes/thumbnails.routes';
import { tusRoutes } from './routes/tus.routes';
import { viewAsRoutes } from './routes/view-as.routes';
import { watchRoutes } from './routes/watch.routes';
import { watchEmbedRoutes } from './routes/watch-embed.routes';

/** JSON bodies above this are refused with 413 before anyone parses them. */
export const MAX_JSON_BODY = 256 * 1024;

/**
 * How the API is composed, in one style: each router is mounted with `.route(prefix, router)`,
 * and a guard that decides who may reach a prefix is attached with `.use` right before the mounts
 * it guards. Hono runs them in the order written here.
 */
const v1 = createRouter()
  .use(
    '*',
    bodyLimit({
      maxSize: MAX_JSON_BODY,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', `Request bodies are limited to ${MAX_JSON_BODY} bytes.`);
      },
    }),
  )
  // Before authenticate: a forged cookie request is refused before it can touch anything.
  .use('*', csrf)
  .use('*', authenticate)
  .use('*', rateLimit)
  .use('*', auditChanges)
  .use('*', meterApiRequests)
  .route('/auth', authRoutes)
  .route('/auth', authEmailRoutes)
  .route('/auth', authTotpRoutes)
  .route('/auth', authOAuthRoutes)
  .route('/auth', authPasskeyRoutes)
  .route('/auth', viewAsRoutes)
  // The platform operator's area: everyone else gets 404 on every path under it.
  .use('/admin/*', operatorOnly)
  .route('/admin', adminRoutes)
  .route('/admin', adminPlatformRoutes)
  .route('/maintenance', maintenanceRoutes)
  // Public: players report on what they play, keyed by playback id.
  .route('/beacons', beaconRoutes)
  .route('/status', statusRoutes)
  .route('/plans', planRoutes)
  // Public: Stripe posts here, and its signature is the credential.
  .route('/billing', stripeWebhookRoutes)
  .route('/orgs', orgRoutes)
  .route('/orgs', orgSecurityRoutes)
  .route('/orgs', billingRoutes)
  .route('/orgs', billingStripeRoutes)
  .route('/orgs', invoiceRoutes)
  .route('/invitations', invitationRoutes)
  // Room sockets carry an end user's chat token, not an API key: mounted ahead of the key scope.
  .route('/rooms', roomSocketRoutes)
  .route('/apps', appRoutes)
  // Console paths: the session (or the app's own key) must reach the app named in the path.
  .use('/apps/:app_id', sessionAppScope)
  .use('/apps/:app_id/*', sessionAppScope)
  .route('/apps', appItemRoutes)
  // The console's own room socket: the session (already scoped to the app) is its credential.
  .route('/apps/:app_id/rooms', roomConsoleSocketRoutes);
// Every app resource twice: for the console under its app, and for API keys (the key decides the app).
// An API key also needs the resource's scope (keyScope: `streams:read`, ...) on either mount; their
// POSTs honour `Idempotency-Key` (per app, 24 h).
for (const [name, router] of Object.entries(appResources)) {
  v1.use(`/apps/:app_id/${name}`, keyScope(name), idempotency)
    .use(`/apps/:app_id/${name}/*`, keyScope(name), idempotency)
    .route(`/apps/:app_id/${name}`, router)
    .use(`/${name}`, apiKeyScope, keyScope(name), idempotency)
    .use(`/${name}/*`, apiKeyScope, keyScope(name), idempotency)
    .route(`/${name}`, router);
}

const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Edgelive API',
    version: '1.0.0',
    description:
      'Live video and real-time rooms. Customer calls use `Authorization: Bearer <key_id>:<secret>`; ' +
      'the console uses a session under `/v1/apps/{app_id}/...`. Errors are `{"error": {"code", "message", "details"?}}`.',
  },
};

const HTTP_ERROR_CODES: Record<number, string> = {
  400: 'invalid_request',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

export const app = new OpenAPIHono<AppEnv>();
app.use('*', requestLog);
app.use('*', async (c, next) => {
  const unsafe = unsafeSecrets(c.env, new URL(c.req.url).hostname);
  if (unsafe.length) {
    // Fails closed: never serve the public on missing or well-known development secrets.
    throw new ApiError(
      503,
      'server_misconfigured',
      `Set real values for ${unsafe.join(', ')} (wrangler secret put; README "Deploying").`,
    );
  }
  c.set('db', createDb(c.env.DB));
  await next();
});
app
  .use('/v1/*', cors)
  .route('/v1', v1)
  .route('/hls', hlsRoutes)
  .route('/thumbnails', thumbnailRoutes)
  .route('/previews', inputPreviewRoutes)
  .route('/embed', watchEmbedRoutes)
  .route('/embed', embedRoutes)
  .route('/channel-images', channelImageRoutes)
  .route('/watch', watchRoutes)
  .route('/downloads', downloadRoutes)
  .route('/chat-replay', chatReplayRoutes)
  // Direct uploads' tus endpoints: the URL is the credential (uploads.routes.ts hands it out).
  .route('/tus', tusRoutes)
  // Ahead of the origin routes: it answers before their own middleware would run.
  .route('/internal/origin/heartbeat', heartbeatRoutes)
  .route('/internal/origin', originSimulcastRoutes)
  .route('/internal/origin', originHealthRoutes)
  .route('/internal/origin', originPartRoutes)
  .route('/internal/origin', originInputRoutes)
  .route('/internal/origin', originRoutes)
  .route('/internal/media-jobs', mediaJobRoutes)
  .route('/', healthRoutes);

// Generated on the root app so paths carry their full `/v1/...` form. Exported so that
// scripts/api-types.ts builds the same document without a server.
// zod-openapi's document type is wider than the parts we read; the cast narrows it to those.
// `serverUrl` is the deployment's own origin when served; the local default otherwise.
export const openApiDocument = (serverUrl = 'http://127.0.0.1:8787') =>
  applyConventions(
    annotateScopes(
      declarePathParams(app.getOpenAPI31Document(OPENAPI_INFO) as unknown as OpenApiDoc),
      Object.keys(appResources),
    ),
    serverUrl,
  );
app.get('/v1/openapi.json', (c) => c.json(openApiDocument(new URL(c.req.url).origin)));
app.get('/v1/reference', (c) => c.html(renderReference(openApiDocument(new URL(c.req.url).origin))));
app.get('/', (c) => c.redirect('/v1/reference'));

app.notFound((c) =>
  errorResponse(c, new ApiError(404, 'not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)),
);
app.onError((err, c) => {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    // Hono's own refusals (malformed JSON, wrong content type) keep their 4xx status.
    const code = HTTP_ERROR_CODES[err.status] ?? 'http_error';
    return errorResponse(c, new ApiError(err.status as 400, code, err.message || 'Bad request.'));
  }
  console.error('unhandled error', err);
  return errorResponse(c, new ApiError(500, 'internal_error', 'Something went wrong on our side.'));
});

export type AppType = typeof app;
