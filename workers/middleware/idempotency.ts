import { and, eq, lt } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { sha256Hex } from '../../core/crypto';
import type { Db } from '../../core/db/client';
import { idempotencyKeys } from '../../core/db/schema/index';
import { now } from '../../core/time';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';

/** How long a key is honoured, as Stripe does. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const MAX_KEY_LENGTH = 255;
const handled = new WeakSet<Request>();

/**
 * `Idempotency-Key` on the POSTs of app resources (app.ts mounts it behind the app scope, so keys
 * are per app). The first request with a key runs and, when it succeeds, its answer is kept for
 * 24 hours; a retry with the same key and the same request gets that answer again, marked
 * `Idempotent-Replayed: true`, and creates nothing. The same key with another method, path or
 * body is 422 `idempotency_key_reused`; one still running is 409 `idempotency_key_in_use`
 * (the IETF draft's codes; Stripe refuses both too). An error answer is not kept (like Stripe's
 * validation errors): it changed nothing, so the retry simply runs again.
 */
/** Forgets keys past their 24 hours (the Cron Trigger calls it). */
export const pruneIdempotencyKeys = (db: Db) =>
  db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, now() - IDEMPOTENCY_TTL_MS))
    .run();

export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const key = c.req.header(IDEMPOTENCY_HEADER);
  // app.ts mounts it on `/<name>` and `/<name>/*`, and Hono matches both for `/<name>`: once is enough.
  if (c.req.method !== 'POST' || key === undefined || handled.has(c.req.raw)) return next();
  handled.add(c.req.raw);
  if (!key || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(
      400,
      'invalid_request',
      `${IDEMPOTENCY_HEADER} must be 1 to ${MAX_KEY_LENGTH} visible ASCII characters.`,
    );
  }
  const appId = c.get('scope')?.appId;
  if (!appId) return next();
  const db = c.get('db');
  // Read once here; Hono keeps the text, so the route's validator parses the same bytes.
  const body = await c.req.text();
  const fingerprint = await sha256Hex(`${c.req.method} ${new URL(c.req.url).pathname}\n${body}`);
  const where = and(eq(idempotencyKeys.appId, appId), eq(idempotencyKeys.key, key));
  const t = now();

  // A key past its 24 hours is forgotten, so the insert below can take it again.
  const old = await db.query.idempotencyKeys.findFirst({ where });
  if (old && old.createdAt <= t - IDEMPOTENCY_TTL_MS) await db.delete(idempotencyKeys).where(where).run();
  else if (old) return replay(old);

  const claimed = await db
    .insert(idempotencyKeys)
    .values({ appId, key, fingerprint, createdAt: t })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (!claimed.length) {
    // Another request took the key between our read and insert.
    const other = await db.query.idempotencyKeys.findFirst({ where });
    if (other) return replay(other);
  }

  try {
    await next();
  } catch (err) {
    await db.delete(idempotencyKeys).where(where).run();
    throw err;
  }
  // Errors thrown by handlers reach here already rendered (Hono's compose catches them).
  if (c.res.status >= 300) {
    await db.delete(idempotencyKeys).where(where).run();
    return;
  }
  await db
    .update(idempotencyKeys)
    .set({ status: c.res.status, contentType: c.res.headers.get('content-type'), body: await c.res.clone().text() })
    .where(where)
    .run();

  function replay(row: typeof idempotencyKeys.$inferSelect): Response {
    if (row.fingerprint !== fingerprint) {
      throw new ApiError(
        422,
        'idempotency_key_reused',
        `This ${IDEMPOTENCY_HEADER} was used with another request; use a new key for a new request.`,
      );
    }
    if (row.status === null) {
      throw new ApiError(
        409,
        'idempotency_key_in_use',
        `A request with this ${IDEMPOTENCY_HEADER} is still running.`,
        undefined,
        {
          'Retry-After': '1',
        },
      );
    }
    const headers = new Headers({ 'Idempotent-Replayed': 'true' });
    if (row.contentType) headers.set('content-type', row.contentType);
    return new Response(row.status === 204 ? null : row.body, { status: row.status, headers });
  }
});
