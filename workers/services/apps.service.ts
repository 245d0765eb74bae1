import type { z } from '@hono/zod-openapi';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { apps, members } from '../../core/db/schema/index';
import { newId } from '../../core/ids';
import { notFound } from '../lib/errors';
import { keyset } from '../lib/pagination';
import type { AppRow, CreateAppBody, UpdateAppBody } from '../routes/apps.schema';

export async function findApp(db: Db, appId: string): Promise<AppRow> {
  const a = await db.query.apps.findFirst({ where: eq(apps.id, appId) });
  if (!a) throw notFound('app');
  return a;
}

/**
 * The apps of every org the user belongs to (or of one of them), `limit + 1` rows for pageOf. The
 * orgs are a subquery, not a list of bound values: a user in many orgs stays within D1's limit of
 * 100 bound parameters per statement.
 */
export async function listAppsOfUser(
  db: Db,
  userId: string,
  q: { limit: number; cursor?: string; orgId?: string; includeArchived: boolean },
): Promise<AppRow[]> {
  const myOrgs = db
    .select({ orgId: members.orgId })
    .from(members)
    .where(and(eq(members.userId, userId), q.orgId ? eq(members.orgId, q.orgId) : undefined));
  const page = keyset(apps.createdAt, apps.id, q.cursor);
  return db
    .select()
    .from(apps)
    .where(and(inArray(apps.orgId, myOrgs), q.includeArchived ? undefined : isNull(apps.archivedAt), page.where))
    .orderBy(...page.orderBy)
    .limit(q.limit + 1);
}

export async function createApp(db: Db, body: z.infer<typeof CreateAppBody>): Promise<AppRow> {
  const t = Date.now();
  const row: AppRow = {
    id: newId('app'),
    orgId: body.org_id,
    name: body.name,
    description: body.description ?? '',
    settings: body.settings ?? {},
    archivedAt: null,
    createdAt: t,
    updatedAt: t,
  };
  await db.insert(apps).values(row);
  return row;
}

export async function updateApp(db: Db, appId: string, body: z.infer<typeof UpdateAppBody>): Promise<AppRow> {
  const current = await findApp(db, appId);
  const [row] = await db
    .update(apps)
    .set({
      name: body.name ?? current.name,
      description: body.description ?? current.description,
      settings: body.settings ? { ...current.settings, ...body.settings } : current.settings,
      updatedAt: Date.now(),
    })
    .where(eq(apps.id, appId))
    .returning();
  return row!;
}

/** Archiving turns the app's API keys off (middleware/scope.ts refuses them) without deleting anything. */
export async function setArchived(db: Db, appId: string, archived: boolean): Promise<AppRow> {
  const t = Date.now();
  const [row] = await db
    .update(apps)
    .set({ archivedAt: archived ? t : null, updatedAt: t })
    .where(eq(apps.id, appId))
    .returning();
  return row!;
}
