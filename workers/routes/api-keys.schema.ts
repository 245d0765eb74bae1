import { z } from '@hono/zod-openapi';
import type { apiKeys } from '../../core/db/schema/index';
import { iso } from '../../core/time';
import { SCOPE_PATTERN } from '../lib/api-scopes';

/** Shapes of the API keys API, and the renderer (never the secret: only its hash is stored). */

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export const ApiKey = z
  .object({
    id: z.string(),
    app_id: z.string(),
    name: z.string(),
    status: z.enum(['active', 'revoked']),
    scopes: z.array(z.string()).openapi({ description: 'What the key may do (`streams:read`, `rooms:*`, `*`).' }),
    rate_limit_per_minute: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Requests per minute; null takes the deployment's default." }),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .openapi('ApiKey');
export const ApiKeyWithSecret = ApiKey.extend({
  secret: z.string().openapi({ description: 'Shown once; we keep only its hash.' }),
  token: z.string().openapi({ description: '`<id>:<secret>`, ready for `Authorization: Bearer`.' }),
}).openapi('ApiKeyWithSecret');

export const CreateApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** Defaults to `["*"]` (everything), which is what keys did before scopes. */
    scopes: z
      .array(z.string().regex(SCOPE_PATTERN, 'A scope is `*` or `<resource>:read|write|*`.'))
      .min(1)
      .max(64)
      .optional(),
    rate_limit_per_minute: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();

export const renderApiKey = (k: ApiKeyRow) => ({
  id: k.id,
  app_id: k.appId,
  name: k.name,
  status: k.revokedAt ? ('revoked' as const) : ('active' as const),
  scopes: k.scopes,
  rate_limit_per_minute: k.rateLimit,
  created_at: iso(k.createdAt)!,
  last_used_at: iso(k.lastUsedAt),
  revoked_at: iso(k.revokedAt),
});
