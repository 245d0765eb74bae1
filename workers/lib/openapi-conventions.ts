import type { OpenApiDoc } from './openapi-params';

/**
 * What makes the generated document usable by code generators and linters, applied once to the
 * whole document instead of in every route: the security schemes the routes name, `servers`, the
 * tag list with descriptions, a unique operationId on the console's second mount of every app
 * resource, and the error responses every operation can give (rate limits, the envelope).
 */
type Op = OpenApiDoc['paths'][string][string] & { operationId?: string; 'x-required-scope'?: string };
type FullDoc = OpenApiDoc & {
  servers?: { url: string; description?: string }[];
  tags?: { name: string; description?: string }[];
  components?: { securitySchemes?: Record<string, unknown>; schemas?: Record<string, unknown> };
};

export const SECURITY_SCHEMES = {
  api_key: {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key as `Authorization: Bearer <key_id>:<secret>`; the key decides the app.',
  },
  api_key_basic: {
    type: 'http',
    scheme: 'basic',
    description: 'The same API key as HTTP Basic: the key id as the user name, the secret as the password.',
  },
  console_session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'edgelive_session',
    description: 'The console session cookie set by sign-in.',
  },
  session_token: {
    type: 'http',
    scheme: 'bearer',
    description: 'The console session token (the `token` of the sign-in answer) as `Authorization: Bearer <token>`.',
  },
  chat_token: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: 'A chat token (JWT, `aud` = `chat`) signed with one of the app’s signing keys.',
  },
} as const;

/** One line per tag; a tag without a line here is still listed (and the linter warns about it). */
const TAG_DESCRIPTIONS: Record<string, string> = {
  'Console auth': 'Accounts and console sessions: sign-up, sign-in, email verification, password reset, two-factor.',
  Organizations: 'Organizations, their members, roles and invitations.',
  Apps: 'Apps: the unit of isolation that API keys, streams and rooms belong to.',
  'API keys': 'Server-side credentials of one app, with scopes.',
  'Signing keys': 'Keys your backend signs playback, chat and viewer tokens with.',
  'Audit log': 'Who changed what, per organization or app.',
  'Live streams': 'RTMP/SRT ingest, stream keys, sessions and playback ids.',
  'Simulcast targets': 'Re-streaming a live stream to other platforms.',
  Assets: 'Recordings and uploads: on-demand media with playback ids and MP4 downloads.',
  Rooms: 'Real-time rooms (chat) and their WebSockets.',
  'Room messages': 'A room’s message history.',
  'Room moderation': 'Bans, mutes, shadow bans, flags; app-wide chat bans.',
  'Webhook endpoints': 'Where events are delivered, signed (Standard Webhooks).',
  'Webhook deliveries': 'The delivery log of an endpoint, attempts and redelivery.',
  Events: 'Everything that happened in an app, to catch up without webhooks.',
  Channels: 'Public channels: a creator’s or event’s profile, watch page and streams.',
  Branding: 'The look of an app’s watch pages and player.',
  Analytics: 'Player beacons and the viewer metrics computed from them.',
  Status: 'System status.',
};

const errorRef = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** Answers any operation can give, whatever its route declares. */
const ALWAYS: Record<string, ReturnType<typeof errorRef>> = {
  429: errorRef('Rate limited (`rate_limited`); `Retry-After` says when to try again'),
};

/** The POSTs of app resources honour it (middleware/idempotency.ts). */
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: for 24 hours the same key with the same request replays the first successful answer ' +
    '(`Idempotent-Replayed: true`) instead of doing it again.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const IDEMPOTENCY_ERRORS = {
  409: errorRef('`idempotency_key_in_use`: a request with this Idempotency-Key is still running'),
  422: errorRef('`idempotency_key_reused`: this Idempotency-Key was used with another request'),
};

export function applyConventions(doc: OpenApiDoc, serverUrl: string): OpenApiDoc {
  const out = doc as FullDoc;
  const ids = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(out.paths)) {
    for (const op of Object.values(ops) as Op[]) {
      if (op.operationId) ids.set(op.operationId, [...(ids.get(op.operationId) ?? []), path]);
      const extra: Record<string, unknown> = { ...ALWAYS };
      if (op === ops.post && op['x-required-scope']) {
        op.parameters = [...(op.parameters ?? []), IDEMPOTENCY_KEY];
        Object.assign(extra, IDEMPOTENCY_ERRORS);
      }
      op.responses = {
        ...op.responses,
        ...Object.fromEntries(Object.entries(extra).filter(([c]) => !op.responses?.[c])),
      };
    }
  }
  // An app resource is mounted twice (app.ts); the console's mount gets the suffix so both stay unique.
  for (const [path, ops] of Object.entries(out.paths)) {
    if (!path.startsWith('/v1/apps/{app_id}/')) continue;
    for (const op of Object.values(ops) as Op[]) {
      if (op.operationId && (ids.get(op.operationId)?.length ?? 0) > 1) op.operationId = `${op.operationId}InApp`;
    }
  }
  const tags = new Set(Object.values(out.paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags ?? [])));
  out.tags = [...tags].map((name) =>
    TAG_DESCRIPTIONS[name] ? { name, description: TAG_DESCRIPTIONS[name] } : { name },
  );
  out.servers = [{ url: serverUrl, description: 'This deployment' }];
  out.components = { ...out.components, securitySchemes: { ...out.components?.securitySchemes, ...SECURITY_SCHEMES } };
  return out;
}
