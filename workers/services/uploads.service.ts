import type { RenditionName } from '@edgelive/shared/ladder';
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { uploads } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { uploadSourceKey } from '../../core/media-keys';
import { ApiError, notFound } from '../lib/errors';
import { findInApp, pageInApp } from './app-rows';
import { discardBytes, type UploadRow } from './tus-store';
import { assetLadder, createVodAsset } from './vod-assets.service';

export type { UploadRow };

/**
 * Direct uploads (issue 14): `POST /v1/uploads` makes a one-time tus URL for a browser; the
 * upload becomes an asset once its last byte is in R2 (then a transcode job makes its ladder).
 */

/** Platform ceiling for one upload; an upload's own `max_size_bytes` may only lower it. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024 * 1024;
export const DEFAULT_TIMEOUT_S = 3600;

export interface CreateUploadInput {
  cors_origin?: string;
  max_size_bytes?: number;
  timeout?: number;
  new_asset_settings?: {
    playback_policies?: ('public' | 'signed')[];
    ladder?: RenditionName[];
    mp4_support?: 'none' | 'standard';
    passthrough?: string | null;
  };
}

export async function createUpload(db: Db, appId: string, body: CreateUploadInput): Promise<UploadRow> {
  const s = body.new_asset_settings ?? {};
  const now = Date.now();
  const row: UploadRow = {
    id: newId('upload'),
    appId,
    status: 'waiting',
    errorReason: null,
    corsOrigin: body.cors_origin ?? null,
    maxBytes: body.max_size_bytes ?? MAX_UPLOAD_BYTES,
    length: null,
    offset: 0,
    filename: null,
    filetype: null,
    multipartId: null,
    parts: [],
    tailBytes: 0,
    assetSettings: {
      playback_policies: s.playback_policies ?? ['public'],
      ladder: await assetLadder(db, appId, s.ladder),
      mp4_support: s.mp4_support ?? 'none',
      passthrough: s.passthrough ?? null,
    },
    assetId: null,
    expiresAt: now + (body.timeout ?? DEFAULT_TIMEOUT_S) * 1000,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(uploads).values(row);
  return row;
}

export const findUpload = (db: Db, appId: string, id: string): Promise<UploadRow> =>
  findInApp(db, uploads, 'upload', 'upload', appId, id);

export const listUploads = (db: Db, appId: string, q: { limit: number; cursor?: string }) =>
  pageInApp(db, uploads, appId, q);

/** An upload still taking bytes; an expired one is timed out here (and its bytes dropped). */
export async function openUpload(db: Db, env: Env, id: string): Promise<UploadRow> {
  const row = await db.query.uploads.findFirst({ where: eq(uploads.id, id) });
  if (!row || row.status === 'cancelled') throw notFound('upload');
  if (row.status === 'waiting' || row.status === 'uploading') {
    if (row.expiresAt > Date.now()) return row;
    await timeOut(db, env, row);
  }
  throw new ApiError(410, 'upload_gone', `This upload is ${row.status === 'asset_created' ? 'complete' : 'expired'}.`);
}

async function timeOut(db: Db, env: Env, row: UploadRow) {
  await discardBytes(env, row);
  await db.update(uploads).set({ status: 'timed_out', updatedAt: Date.now() }).where(eq(uploads.id, row.id));
}

/** Cancelling stores nothing more and keeps nothing: the parts so far are aborted, the tail deleted. */
export async function cancelUpload(db: Db, env: Env, row: UploadRow): Promise<void> {
  if (row.status !== 'waiting' && row.status !== 'uploading')
    throw new ApiError(
      409,
      'conflict',
      `This upload is ${row.status}; only a waiting or uploading one can be cancelled.`,
    );
  await discardBytes(env, row);
  await db.update(uploads).set({ status: 'cancelled', updatedAt: Date.now() }).where(eq(uploads.id, row.id));
}

/** The last byte is in: the source object is whole, and the asset (with its transcode job) begins. */
export async function uploadComplete(db: Db, env: Env, row: UploadRow) {
  const head = await env.MEDIA.head(uploadSourceKey(row.id));
  if (!head || head.size !== row.length) throw new Error(`upload ${row.id} completed without its source object`);
  return createVodAsset(db, env, { appId: row.appId, settings: row.assetSettings, uploadId: row.id });
}

/** Uploads left unfinished past their expiry (the cron sweeper): bytes dropped, rows marked. */
export async function sweepExpiredUploads(db: Db, env: Env, limit = 50): Promise<number> {
  const rows = await db
    .select()
    .from(uploads)
    .where(and(inArray(uploads.status, ['waiting', 'uploading']), lt(uploads.expiresAt, Date.now())))
    .limit(limit);
  for (const r of rows) await timeOut(db, env, r);
  return rows.length;
}
