import { eq } from 'drizzle-orm';
import { clipPrefix } from '../../core/asset-tree';
import type { Db } from '../../core/db/client';
import { assets, streams, uploads } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { uploadPrefix, vodPrefix } from '../../core/media-keys';

/**
 * `GET /v1/storage`: what an app keeps in R2, in bytes by kind. R2 keys are laid out by stream
 * and asset, not by app, so the app's prefixes are listed and summed (1000 keys a call): exact,
 * and fine at the sizes a local or small deployment holds; a large one would keep running totals
 * instead.
 */
export interface StorageUsage {
  recordings: number;
  uploads: number;
  downloads: number;
  thumbnails: number;
}

export async function prefixBytes(env: Env, prefix: string): Promise<{ bytes: number; objects: number }> {
  let bytes = 0;
  let objects = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await env.MEDIA.list({ prefix, limit: 1000, cursor });
    for (const o of page.objects) bytes += o.size;
    objects += page.objects.length;
    if (!page.truncated) return { bytes, objects };
    cursor = page.cursor;
  }
}

export async function appStorage(db: Db, env: Env, appId: string) {
  const [streamRows, assetRows, uploadRows] = await Promise.all([
    db.select({ id: streams.id }).from(streams).where(eq(streams.appId, appId)),
    db.select({ id: assets.id, source: assets.source }).from(assets).where(eq(assets.appId, appId)),
    db.select({ id: uploads.id }).from(uploads).where(eq(uploads.appId, appId)),
  ]);
  const kinds: Record<keyof StorageUsage, string[]> = {
    // A stream's segments (live and recorded), its recordings' playlists and its clips' (which share the segments).
    recordings: [
      ...streamRows.flatMap((s) => [`live/${s.id}/`, `recordings/${s.id}/`]),
      ...assetRows.filter((a) => a.source === 'clip').map((a) => clipPrefix(a.id)),
    ],
    // Uploaded bytes and what their transcodes made.
    uploads: [...uploadRows.map((u) => uploadPrefix(u.id)), ...assetRows.map((a) => vodPrefix(a.id))],
    downloads: assetRows.map((a) => `downloads/${a.id}/`),
    thumbnails: streamRows.map((s) => `thumbnails/${s.id}/`),
  };
  const usage: StorageUsage = { recordings: 0, uploads: 0, downloads: 0, thumbnails: 0 };
  let objects = 0;
  for (const [kind, prefixes] of Object.entries(kinds) as [keyof StorageUsage, string[]][]) {
    for (const p of prefixes) {
      const r = await prefixBytes(env, p);
      usage[kind] += r.bytes;
      objects += r.objects;
    }
  }
  return { ...usage, total: usage.recordings + usage.uploads + usage.downloads + usage.thumbnails, objects };
}
