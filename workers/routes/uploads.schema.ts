import { z } from '@hono/zod-openapi';
import { iso } from '../../core/time';
import type { UploadRow } from '../services/uploads.service';
import { PlaybackPolicy, Rendition } from './streams.schema';

/** Request and response shapes of direct uploads (issue 14). */

export const NewAssetSettings = z
  .object({
    playback_policies: z
      .array(PlaybackPolicy)
      .min(1)
      .max(2)
      .optional()
      .openapi({ example: ['signed'] }),
    ladder: z
      .array(Rendition)
      .min(1)
      .refine((l) => new Set(l).size === l.length, 'rungs must not repeat')
      .optional()
      .openapi({ description: "Rungs to transcode to (none above the file's height); the app's default when absent." }),
    mp4_support: z.enum(['none', 'standard']).optional(),
    passthrough: z.string().max(255).nullable().optional(),
  })
  .strict();

export const CreateUploadBody = z
  .object({
    cors_origin: z
      .string()
      .url()
      .max(200)
      .refine((u) => new URL(u).origin === u, 'an origin: scheme, host and port only')
      .optional()
      .openapi({
        description: 'The browser origin that will upload (CORS); any origin when absent.',
        example: 'https://example.com',
      }),
    max_size_bytes: z
      .number()
      .int()
      .min(1)
      .max(20 * 1024 * 1024 * 1024)
      .optional(),
    timeout: z
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .optional()
      .openapi({ description: 'Seconds until the URL expires unfinished (default 3600).' }),
    new_asset_settings: NewAssetSettings.optional(),
  })
  .strict()
  .openapi('CreateUpload');

export const Upload = z
  .object({
    id: z.string().openapi({ example: 'upl_01hx' }),
    url: z.string().openapi({
      description:
        'The tus 1.0.0 endpoint (creation, expiration, termination): give it to tus-js-client as `endpoint`.',
    }),
    status: z.enum(['waiting', 'uploading', 'asset_created', 'errored', 'cancelled', 'timed_out']),
    cors_origin: z.string().nullable(),
    max_size_bytes: z.number(),
    length: z.number().nullable(),
    offset: z.number(),
    asset_id: z.string().nullable(),
    error: z.object({ reason: z.string() }).nullable(),
    expires_at: z.string(),
    created_at: z.string(),
  })
  .openapi('Upload');

export const renderUpload = (u: UploadRow, base: string) => ({
  id: u.id,
  url: `${base}/tus/${u.id}`,
  status: u.status,
  cors_origin: u.corsOrigin,
  max_size_bytes: u.maxBytes,
  length: u.length,
  offset: u.offset,
  asset_id: u.assetId,
  error: u.errorReason ? { reason: u.errorReason } : null,
  expires_at: iso(u.expiresAt)!,
  created_at: iso(u.createdAt)!,
});
