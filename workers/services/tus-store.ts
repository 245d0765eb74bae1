import { and, eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { uploads } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { uploadPrefix, uploadSourceKey, uploadTailKey } from '../../core/media-keys';
import { deletePrefix } from '../../core/media-storage';
import { ApiError } from '../lib/errors';

/**
 * The bytes of a tus upload in R2 (workers/routes/tus.routes.ts speaks the protocol). R2's
 * multipart uploads want every part but the last to be the same size and at least 5 MiB, while a
 * tus client may send any amount per PATCH (and a dropped connection any amount at all): whole
 * PART_SIZE parts are uploaded as they fill, and what is left over waits in a `tail` object for
 * the next PATCH. The row is updated after each part with a compare-and-set on the offset, so a
 * second PATCH racing the first loses with 409 instead of interleaving bytes.
 */
export const PART_SIZE = 5 * 1024 * 1024;

export type UploadRow = typeof uploads.$inferSelect;

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Bytes collected from the body, cut into parts as they fill. */
class Pending {
  private chunks: Uint8Array[] = [];
  size = 0;
  push(c: Uint8Array) {
    this.chunks.push(c);
    this.size += c.byteLength;
  }
  /** The first `n` bytes, removed. */
  take(n: number): Uint8Array {
    const all = concat(this.chunks, this.size);
    const head = all.slice(0, n);
    const rest = all.slice(n);
    this.chunks = rest.byteLength ? [rest] : [];
    this.size = rest.byteLength;
    return head;
  }
}

export const tooLarge = (length: number) =>
  new ApiError(413, 'upload_too_large', `This upload was declared as ${length} bytes; the body goes past it.`);

async function save(db: Db, up: UploadRow, changes: Partial<UploadRow>): Promise<UploadRow> {
  const [row] = await db
    .update(uploads)
    .set({ ...changes, updatedAt: Date.now() })
    .where(and(eq(uploads.id, up.id), eq(uploads.offset, up.offset)))
    .returning();
  if (!row) throw new ApiError(409, 'upload_conflict', 'Another request changed this upload; HEAD it for its offset.');
  return row;
}

/**
 * Appends a PATCH body at the upload's offset. Whatever arrived before the body broke off is kept
 * (tus: the client HEADs and resumes from the offset it hears). Returns the row as saved, and
 * whether the last byte arrived (the multipart is then complete, the source object whole).
 */
export async function appendBody(
  db: Db,
  env: Env,
  start: UploadRow,
  body: ReadableStream<Uint8Array>,
): Promise<{ row: UploadRow; complete: boolean; broken: boolean }> {
  const length = start.length!;
  const mp = env.MEDIA.resumeMultipartUpload(uploadSourceKey(start.id), start.multipartId!);
  let up = start;
  const parts = [...up.parts];
  const pending = new Pending();
  if (up.tailBytes > 0) {
    const tail = await env.MEDIA.get(uploadTailKey(up.id));
    if (!tail || tail.size !== up.tailBytes) throw new Error(`tail of ${up.id} is missing or short`);
    pending.push(new Uint8Array(await tail.arrayBuffer()));
  }
  let broken = false;
  const reader = body.getReader();
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch {
        broken = true;
        break;
      }
      if (r.done) break;
      if (parts.length * PART_SIZE + pending.size + r.value.byteLength > length) {
        await reader.cancel().catch(() => {});
        // Roll back to the parts already saved: the tail object is stale once tail_bytes is 0.
        if (up.tailBytes > 0 || up.offset !== parts.length * PART_SIZE)
          up = await save(db, up, { parts, tailBytes: 0, offset: parts.length * PART_SIZE });
        throw tooLarge(length);
      }
      pending.push(r.value);
      while (pending.size >= PART_SIZE) {
        const part = await mp.uploadPart(parts.length + 1, pending.take(PART_SIZE));
        parts.push({ partNumber: part.partNumber, etag: part.etag });
        up = await save(db, up, { parts, tailBytes: 0, offset: parts.length * PART_SIZE, status: 'uploading' });
      }
    }
  } finally {
    reader.releaseLock();
  }
  const offset = parts.length * PART_SIZE + pending.size;
  if (offset === length) {
    if (pending.size > 0) {
      const last = await mp.uploadPart(parts.length + 1, pending.take(pending.size));
      parts.push({ partNumber: last.partNumber, etag: last.etag });
    }
    await mp.complete(parts);
    await env.MEDIA.delete(uploadTailKey(up.id));
    up = await save(db, up, { parts, tailBytes: 0, offset, status: 'uploading' });
    return { row: up, complete: true, broken };
  }
  if (offset !== up.offset) {
    if (pending.size > 0) await env.MEDIA.put(uploadTailKey(up.id), pending.take(pending.size));
    up = await save(db, up, { parts, tailBytes: offset - parts.length * PART_SIZE, offset, status: 'uploading' });
  }
  return { row: up, complete: false, broken };
}

/** Everything an unfinished upload stored: the multipart's parts and the tail. */
export async function discardBytes(env: Env, up: UploadRow): Promise<void> {
  if (up.multipartId && up.offset < (up.length ?? 0)) {
    await env.MEDIA.resumeMultipartUpload(uploadSourceKey(up.id), up.multipartId)
      .abort()
      .catch(() => {});
  }
  await deletePrefix(env, uploadPrefix(up.id));
}
