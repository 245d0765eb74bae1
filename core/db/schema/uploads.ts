import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { apps } from './core';

/**
 * Direct uploads (issue 14): one tus resource per row. The bytes go into an R2 multipart upload
 * whose parts are all PART_SIZE long (R2 requires equal parts but the last), so what a PATCH
 * brings beyond the last whole part waits in a small `tail` object until the next PATCH fills
 * the part: `offset = parts.length * PART_SIZE + tail_bytes` at all times.
 */
export const uploads = sqliteTable(
  'uploads',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    /** `waiting` until the client creates the tus resource, `uploading`, then `asset_created`. */
    status: text('status', {
      enum: ['waiting', 'uploading', 'asset_created', 'errored', 'cancelled', 'timed_out'],
    }).notNull(),
    errorReason: text('error_reason'),
    /** The browser origin allowed to upload (CORS); null = any. */
    corsOrigin: text('cors_origin'),
    maxBytes: integer('max_bytes').notNull(),
    /** Declared by the tus creation request (`Upload-Length`). */
    length: integer('length'),
    offset: integer('offset').notNull().default(0),
    filename: text('filename'),
    filetype: text('filetype'),
    multipartId: text('multipart_id'),
    parts: text('parts', { mode: 'json' }).$type<{ partNumber: number; etag: string }[]>().notNull(),
    tailBytes: integer('tail_bytes').notNull().default(0),
    /** What the asset is made with: playback policies, ladder, mp4_support, passthrough. */
    assetSettings: text('asset_settings', { mode: 'json' }).$type<UploadAssetSettings>().notNull(),
    assetId: text('asset_id'),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('uploads_app').on(t.appId, t.createdAt), index('uploads_expiry').on(t.status, t.expiresAt)],
);

export interface UploadAssetSettings {
  playback_policies: ('public' | 'signed')[];
  ladder: string[];
  mp4_support: 'none' | 'standard';
  passthrough: string | null;
}
