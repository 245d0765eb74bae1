import { createRoute, z } from '@hono/zod-openapi';
import { and, eq } from 'drizzle-orm';
import { chatBans } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { emitEvent } from '../../core/events';
import { newId } from '../../core/ids';
import { roomStub } from '../../core/stubs';
import { iso } from '../../core/time';
import { notFound } from '../lib/errors';
import { keyset, PageQuery, pageOf, pageSchema } from '../lib/pagination';
import { commonErrors, createAppRouter, json, jsonBody } from '../lib/router';
import { ChatUserId, Restriction, RestrictionBody } from './rooms.schema';

const tags = ['Room moderation'];
/** Rooms asked at once to drop a banned user's sockets; the app's rooms are paged through in full. */
const KICK_PAGE = 100;

const render = (b: typeof chatBans.$inferSelect) => ({
  room_id: null,
  user_id: b.userId,
  until: iso(b.expiresAt),
  reason: b.reason,
  created_at: iso(b.createdAt)!,
});

/**
 * An app-wide ban closes the user's sockets that are already open, in every room of the app (each
 * room also checks the ban on connect). Pages through them all so a busy app's later rooms are not skipped;
 * one room failing does not stop the others.
 */
async function kickEverywhere(env: Env, appId: string, userId: string, until: number | null) {
  let after = { t: -1, id: '' };
  for (;;) {
    // Keyset on (created_at, id): the rooms_app_time index serves every page.
    const page = await env.DB.prepare(
      `SELECT id, created_at FROM rooms WHERE app_id = ? AND deleted_at IS NULL AND (created_at, id) > (?, ?)
       ORDER BY created_at, id LIMIT ?`,
    )
      .bind(appId, after.t, after.id, KICK_PAGE)
      .all<{ id: string; created_at: number }>();
    await Promise.allSettled(page.results.map((r) => roomStub(env, r.id).kick(userId, until)));
    const last = page.results[page.results.length - 1];
    if (!last || page.results.length < KICK_PAGE) return;
    after = { t: last.created_at, id: last.id };
  }
}

export const chatBanRoutes = createAppRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags,
      operationId: 'createChatBan',
      summary: 'Ban a user from every room of the app (optionally for a while)',
      request: jsonBody(RestrictionBody),
      responses: { 201: json(Restriction), ...commonErrors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const appId = c.get('scope').appId;
      const t = Date.now();
      const row = {
        id: newId('chatBan'),
        appId,
        userId: body.user_id,
        reason: body.reason ?? null,
        expiresAt: body.duration_seconds ? t + body.duration_seconds * 1000 : null,
        createdBy: c.get('actor')!.id,
        createdAt: t,
      };
      await c
        .get('db')
        .insert(chatBans)
        .values(row)
        .onConflictDoUpdate({
          target: [chatBans.appId, chatBans.userId],
          set: { reason: row.reason, expiresAt: row.expiresAt, createdBy: row.createdBy, createdAt: t },
        });
      c.set('audit', { action: 'chat.ban', resourceType: 'chat_user', resourceId: body.user_id });
      const out = render(row);
      await emitEvent(c.env, {
        appId,
        type: 'chat.user.banned',
        objectType: 'app',
        objectId: appId,
        data: { ...out, by: row.createdBy, scope: 'app' },
      });
      c.executionCtx.waitUntil(kickEverywhere(c.env, appId, body.user_id, row.expiresAt));
      return c.json(out, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      operationId: 'listChatBans',
      summary: 'App-wide bans (expired ones included until lifted)',
      request: { query: PageQuery },
      responses: { 200: json(pageSchema(Restriction)), ...commonErrors },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const page = keyset(chatBans.createdAt, chatBans.id, cursor);
      const rows = await c
        .get('db')
        .select()
        .from(chatBans)
        .where(and(eq(chatBans.appId, c.get('scope').appId), page.where))
        .orderBy(...page.orderBy)
        .limit(limit + 1);
      return c.json(pageOf(rows, limit, render), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/{user_id}',
      tags,
      operationId: 'deleteChatBan',
      summary: 'Lift an app-wide ban',
      request: { params: z.object({ user_id: ChatUserId.openapi({ param: { name: 'user_id', in: 'path' } }) }) },
      responses: { 204: { description: 'Lifted' }, ...commonErrors },
    }),
    async (c) => {
      const appId = c.get('scope').appId;
      const { user_id } = c.req.valid('param');
      const gone = await c
        .get('db')
        .delete(chatBans)
        .where(and(eq(chatBans.appId, appId), eq(chatBans.userId, user_id)))
        .returning();
      if (!gone.length) throw notFound('ban');
      c.set('audit', { action: 'chat.unban', resourceType: 'chat_user', resourceId: user_id });
      await emitEvent(c.env, {
        appId,
        type: 'chat.user.unbanned',
        objectType: 'app',
        objectId: appId,
        data: { room_id: null, user_id, scope: 'app', by: c.get('actor')!.id },
      });
      return c.body(null, 204);
    },
  );
