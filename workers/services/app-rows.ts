import { and, eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../core/db/client';
import { type IdKind, isIdOf } from '../../core/ids';
import { notFound } from '../lib/errors';
import { keyset } from '../lib/pagination';

/** A table whose rows belong to one app and are paged newest first. */
type AppTable = SQLiteTable & { id: SQLiteColumn; appId: SQLiteColumn; createdAt: SQLiteColumn };
type RowOf<T extends AppTable> = T['$inferSelect'];

/**
 * The row with this id if it belongs to the app. A wrong-kind id answers 404 without a query, and
 * another app's id is indistinguishable from a missing one (`what` names it in the message).
 */
export async function findInApp<T extends AppTable>(
  db: Db,
  table: T,
  kind: IdKind,
  what: string,
  appId: string,
  id: string,
): Promise<RowOf<T>> {
  const [row] = isIdOf(kind, id)
    ? await db
        .select()
        .from(table as SQLiteTable)
        .where(and(eq(table.id, id), eq(table.appId, appId)))
        .limit(1)
    : [];
  if (!row) throw notFound(what);
  return row as RowOf<T>;
}

/** One page of the app's rows, newest first: `limit + 1` of them, for pageOf to cut. */
export async function pageInApp<T extends AppTable>(
  db: Db,
  table: T,
  appId: string,
  q: { limit: number; cursor?: string },
  where?: SQL,
): Promise<RowOf<T>[]> {
  const page = keyset(table.createdAt, table.id, q.cursor);
  const rows = await db
    .select()
    .from(table as SQLiteTable)
    .where(and(eq(table.appId, appId), where, page.where))
    .orderBy(...page.orderBy)
    .limit(q.limit + 1);
  return rows as RowOf<T>[];
}
