import { RUNG_NAMES, type RungName } from '@edgelive/shared/ladder';
import { z } from '@hono/zod-openapi';
import type { apps } from '../../core/db/schema/index';
import { iso } from '../../core/time';

/** Request and response shapes of the apps API, and the renderer from row to response. */

export type AppRow = typeof apps.$inferSelect;

/** Per-app settings later features read (playback restrictions, ladder ceiling, ...). */
export const AppSettings = z
  .object({
    // Every rung of the shared table, 2160p down to 240p: a ladder may hold no rung taller than this.
    max_quality: z.enum(RUNG_NAMES as [RungName, ...RungName[]]).optional(),
    // Host names, `*.example.com` for any subdomain, or `*` (workers/lib/referrer.ts).
    allowed_referrers: z
      .array(
        z
          .string()
          .min(1)
          .max(253)
          .regex(/^(\*|(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*)$/, 'expected a host name, *.domain or *'),
      )
      .max(100)
      .optional(),
    allow_no_referrer: z.boolean().optional(),
    /** Recordings older than this are deleted with their media by the cron sweeper; absent = keep. */
    recording_retention_days: z.number().int().min(1).max(3650).nullable().optional(),
  })
  .strict()
  .openapi('AppSettings');

export const App = z
  .object({
    id: z.string(),
    org_id: z.string(),
    name: z.string(),
    description: z.string(),
    settings: AppSettings,
    status: z.enum(['active', 'archived']),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('App');

export const renderApp = (a: AppRow) => ({
  id: a.id,
  org_id: a.orgId,
  name: a.name,
  description: a.description,
  settings: a.settings as z.infer<typeof AppSettings>,
  status: a.archivedAt ? ('archived' as const) : ('active' as const),
  created_at: iso(a.createdAt)!,
  updated_at: iso(a.updatedAt)!,
});

export const AppName = z.string().trim().min(1).max(100);

export const CreateAppBody = z
  .object({
    org_id: z.string().max(64),
    name: AppName,
    description: z.string().max(500).optional(),
    settings: AppSettings.optional(),
  })
  .strict();

export const UpdateAppBody = z
  .object({
    name: AppName.optional(),
    description: z.string().max(500).optional(),
    settings: AppSettings.optional(),
  })
  .strict();
