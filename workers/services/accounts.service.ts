import { eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { members, orgs, sessions, users } from '../../core/db/schema/index';
import { isUniqueViolation } from '../../core/db/unique-violation';
import type { Env } from '../../core/env';
import { newId } from '../../core/ids';
import { conflict, unauthorized } from '../lib/errors';
import { hashPassword, verifyPassword } from '../lib/password';
import { SESSION_TTL_MS, signSession } from '../lib/session';
import { admitLoginAttempt, recordLoginSuccess, rememberAddress } from './login-throttle.service';

export type UserRow = typeof users.$inferSelect;

const emailTaken = () => conflict('An account with this email already exists.');

/** The orgs a user belongs to, with their role in each (one query, a join: no list of ids). */
export async function orgsOf(db: Db, userId: string) {
  const rows = await db
    .select({ id: orgs.id, name: orgs.name, role: members.role, suspendedAt: orgs.suspendedAt })
    .from(members)
    .innerJoin(orgs, eq(orgs.id, members.orgId))
    .where(eq(members.userId, userId));
  // `suspended`: an operator suspended the org; the console shows why nothing works there.
  return rows.map(({ suspendedAt, ...o }) => ({ ...o, suspended: suspendedAt != null }));
}

/** A session row (so sign-out can revoke it) and its JWT. */
export async function startSession(db: Db, env: Env, user: UserRow) {
  const id = newId('session');
  const expiresAt = Date.now() + SESSION_TTL_MS;
  await db.insert(sessions).values({ id, userId: user.id, createdAt: Date.now(), expiresAt });
  return { token: await signSession(env.SESSION_SECRET, user.id, id, expiresAt), orgs: await orgsOf(db, user.id) };
}

/**
 * A user, their first org and its owner membership, in one batch. Two registrations of one email
 * racing each other both pass the read; the unique index decides, and the loser gets the same 409.
 */
export async function registerUser(
  db: Db,
  body: { email: string; password: string; name: string; org_name?: string },
  ip: string | null,
): Promise<UserRow> {
  if (await db.query.users.findFirst({ where: eq(users.email, body.email) })) throw emailTaken();
  const t = Date.now();
  const user: UserRow = {
    id: newId('user'),
    email: body.email,
    name: body.name,
    passwordHash: await hashPassword(body.password),
    createdAt: t,
    emailVerifiedAt: null,
  };
  const org = { id: newId('org'), name: body.org_name ?? `${body.name}'s organization`, createdAt: t };
  try {
    await db.batch([
      db.insert(users).values(user),
      db.insert(orgs).values(org),
      db.insert(members).values({ id: newId('member'), orgId: org.id, userId: user.id, role: 'owner', createdAt: t }),
      rememberAddress(db, ip, user.email, t),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw emailTaken();
    throw err;
  }
  return user;
}

/** The user behind a correct email and password; the attempt is counted before anything is checked. */
export async function signIn(db: Db, email: string, password: string, ip: string | null): Promise<UserRow> {
  await admitLoginAttempt(db, ip, email);
  const user = await db.query.users.findFirst({ where: eq(users.email, email) });
  // Hash even for unknown emails so response time does not reveal which accounts exist.
  let ok = false;
  if (user) ok = await verifyPassword(password, user.passwordHash);
  else await hashPassword(password);
  if (!user || !ok) throw unauthorized('Wrong email or password.');
  await recordLoginSuccess(db, ip, email);
  return user;
}

export async function endSession(db: Db, sessionId: string) {
  await db.update(sessions).set({ revokedAt: Date.now() }).where(eq(sessions.id, sessionId));
}

export async function findUser(db: Db, userId: string) {
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) throw unauthorized();
  return user;
}
