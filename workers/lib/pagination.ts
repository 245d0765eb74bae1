import { z } from '@hono/zod-openapi';
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { fromBase64Url, toBase64Url } from '../../core/crypto';
import { badRequest } from './errors';

/** Query parameters every list accepts. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25).openapi({ example: 25 }),
  cursor: z.string().max(200).optional().openapi({ description: 'The `next_cursor` of the previous page.' }),
});

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

interface Position {
  t: number;
  id: string;
}

export function encodeCursor(p: Position): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify([p.t, p.id])));
}

export function decodeCursor(cursor: string): Position {
  try {
    const [t, id] = JSON.parse(new TextDecoder().decode(fromBase64Url(cursor))) as unknown[];
    if (typeof t === 'number' && typeof id === 'string') return { t, id };
  } catch {
    // fall through to the 400 below
  }
  throw badRequest('The cursor is not one this API issued.');
}

/**
 * Newest-first keyset pagination over (created_at, id): stable under concurrent inserts, unlike
 * offsets. Returns the WHERE fragment and ORDER BY for a query; `pageOf` cuts the extra row.
 */
export function keyset(createdAt: SQLiteColumn, id: SQLiteColumn, cursor: string | undefined) {
  let where: SQL | undefined;
  if (cursor) {
    const p = decodeCursor(cursor);
    where = or(lt(createdAt, p.t), and(eq(createdAt, p.t), lt(id, p.id)));
  }
  return { where, orderBy: [desc(createdAt), desc(id)] };
}

/** Query `limit + 1` rows; this trims the extra and derives the next cursor from the last kept. */
export function pageOf<R extends { createdAt: number; id: string }, T>(
  rows: R[],
  limit: number,
  render: (r: R) => T,
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    data: kept.map(render),
    next_cursor: rows.length > limit && last ? encodeCursor({ t: last.createdAt, id: last.id }) : null,
  };
}

export const pageSchema = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });
