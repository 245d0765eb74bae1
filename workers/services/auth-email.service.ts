import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import { sha256Hex } from '../../core/crypto';
import type { Db } from '../../core/db/client';
import { authTokens, sessions, users } from '../../core/db/schema/index';
import type { Env } from '../../core/env';
import { newId, randomToken } from '../../core/ids';
import { ApiError, conflict, unauthorized } from '../lib/errors';
import { hashPassword, verifyPassword } from '../lib/password';
import type { UserRow } from './accounts.service';
import {
  changeEmailConfirmMail,
  changeEmailNoticeMail,
  emailChangedMail,
  resetPasswordMail,
  verifyEmailMail,
} from './email-templates';

/**
 * Mailed, single-use links: verification, password reset, email change. Each function returns the
 * mails to send (the route sends them after answering), so no answer waits on, or reveals, a mail.
 */
export const VERIFY_TTL_MS = 24 * 3600_000;
export const RESET_TTL_MS = 30 * 60_000;
export const CHANGE_TTL_MS = 60 * 60_000;

type Purpose = (typeof authTokens.$inferSelect)['purpose'];
const PREFIX: Record<Purpose, string> = { verify_email: 'vfy', reset_password: 'rst', change_email: 'chg' };
const PAGE: Record<Purpose, string> = {
  verify_email: '/verify-email',
  reset_password: '/reset-password',
  change_email: '/confirm-email-change',
};

export const invalidToken = () =>
  new ApiError(400, 'invalid_token', 'This link is not valid: it was already used, has expired, or was replaced.');

const consoleBase = (env: Env, requestUrl: string) => env.CONSOLE_URL ?? new URL(requestUrl).origin;

/** A fresh token for `purpose`; the token itself exists only in the returned link. */
async function issue(
  db: Db,
  env: Env,
  requestUrl: string,
  user: UserRow,
  purpose: Purpose,
  email: string,
  ttl: number,
) {
  const token = `${PREFIX[purpose]}_${randomToken(32)}`;
  const t = Date.now();
  await db.insert(authTokens).values({
    id: newId('authToken'),
    userId: user.id,
    purpose,
    tokenHash: await sha256Hex(token),
    email,
    createdAt: t,
    expiresAt: t + ttl,
  });
  return `${consoleBase(env, requestUrl)}${PAGE[purpose]}?token=${encodeURIComponent(token)}`;
}

/**
 * Marks the token used in the statement that checks it, so two clicks racing each other cannot
 * both pass; unknown, used and expired tokens all get the same answer.
 */
async function consume(db: Db, purpose: Purpose, token: string) {
  if (!token.startsWith(`${PREFIX[purpose]}_`)) throw invalidToken();
  const t = Date.now();
  const [row] = await db
    .update(authTokens)
    .set({ usedAt: t })
    .where(
      and(
        eq(authTokens.tokenHash, await sha256Hex(token)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, t),
      ),
    )
    .returning();
  if (!row) throw invalidToken();
  return row;
}

/** Used tokens of the same purpose stop working once one of them succeeds (or a new one is sent). */
const retireOthers = (db: Db, userId: string, purpose: Purpose, t: number) =>
  db
    .update(authTokens)
    .set({ usedAt: t })
    .where(and(eq(authTokens.userId, userId), eq(authTokens.purpose, purpose), isNull(authTokens.usedAt)));

export async function startVerification(db: Db, env: Env, requestUrl: string, user: UserRow) {
  if (user.emailVerifiedAt) return [];
  const url = await issue(db, env, requestUrl, user, 'verify_email', user.email, VERIFY_TTL_MS);
  return [verifyEmailMail(user.email, url)];
}

export async function verifyEmail(db: Db, token: string) {
  const row = await consume(db, 'verify_email', token);
  const [user] = await db
    .update(users)
    .set({ emailVerifiedAt: Date.now() })
    // A link sent to an address the account no longer has proves nothing about the current one.
    .where(and(eq(users.id, row.userId), eq(users.email, row.email)))
    .returning();
  if (!user) throw invalidToken();
  return user;
}

/** Nothing in the answer depends on whether `email` has an account: the route always says 202. */
export async function requestPasswordReset(db: Db, env: Env, requestUrl: string, email: string) {
  const user = await db.query.users.findFirst({ where: eq(users.email, email) });
  if (!user) return [];
  await retireOthers(db, user.id, 'reset_password', Date.now());
  const url = await issue(db, env, requestUrl, user, 'reset_password', user.email, RESET_TTL_MS);
  return [resetPasswordMail(user.email, url)];
}

/** A new password, every session signed out, and the address counted as verified (the mail arrived). */
export async function resetPassword(db: Db, token: string, password: string) {
  const row = await consume(db, 'reset_password', token);
  const t = Date.now();
  const passwordHash = await hashPassword(password);
  const user = await db.query.users.findFirst({ where: eq(users.id, row.userId) });
  if (!user || user.email !== row.email) throw invalidToken();
  await db.batch([
    db
      .update(users)
      .set({ passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? t })
      .where(eq(users.id, user.id)),
    db
      .update(sessions)
      .set({ revokedAt: t })
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt))),
    retireOthers(db, user.id, 'reset_password', t),
  ]);
}

/**
 * The new address gets the confirmation link, the old one a notice. An address that already has
 * an account gets no link (the answer is the same 202), so this cannot probe for accounts either.
 */
export async function requestEmailChange(
  db: Db,
  env: Env,
  requestUrl: string,
  user: UserRow,
  newEmail: string,
  password: string,
) {
  if (!(await verifyPassword(password, user.passwordHash))) throw unauthorized('Wrong password.');
  if (newEmail === user.email) return [];
  const notice = changeEmailNoticeMail(user.email, newEmail);
  const taken = await db.query.users.findFirst({ where: eq(users.email, newEmail) });
  if (taken) return [notice];
  await retireOthers(db, user.id, 'change_email', Date.now());
  const url = await issue(db, env, requestUrl, user, 'change_email', newEmail, CHANGE_TTL_MS);
  return [changeEmailConfirmMail(newEmail, url), notice];
}

export async function confirmEmailChange(db: Db, token: string) {
  const row = await consume(db, 'change_email', token);
  const before = await db.query.users.findFirst({ where: eq(users.id, row.userId) });
  if (!before) throw invalidToken();
  try {
    await db
      .update(users)
      .set({ email: row.email, emailVerifiedAt: Date.now() })
      .where(and(eq(users.id, row.userId), ne(users.email, row.email)));
  } catch (err) {
    if (String(err).includes('UNIQUE') || String((err as Error).cause).includes('UNIQUE')) {
      throw conflict('Another account took this address in the meantime.');
    }
    throw err;
  }
  return {
    mails: [
      emailChangedMail(before.email, before.email, row.email),
      emailChangedMail(row.email, before.email, row.email),
    ],
  };
}
