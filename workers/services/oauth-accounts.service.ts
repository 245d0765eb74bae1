import { and, eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { members, oauthIdentities, orgs, sessions, users } from '../../core/db/schema/index';
import { isUniqueViolation } from '../../core/db/unique-violation';
import { newId, randomToken } from '../../core/ids';
import { ApiError } from '../lib/errors';
import { hashPassword } from '../lib/password';
import type { UserRow } from './accounts.service';
import { rememberAddress } from './login-throttle.service';
import type { ProviderProfile } from './oauth-flow.service';

/**
 * Who a provider's profile signs in as:
 * 1. an identity already linked (by the provider's subject, which never changes hands);
 * 2. else the account with the same email, but only when the provider says it verified that email
 *    (otherwise anyone could add an address to a Google account and take over ours);
 * 3. else a new account (and its first org), verified when the provider verified the email.
 */
export async function accountForProfile(db: Db, profile: ProviderProfile, ip: string | null): Promise<UserRow> {
  try {
    return await linkOrCreate(db, profile, ip);
  } catch (err) {
    // Two first sign-ins with one identity (a double-clicked button, two tabs) both pass the reads;
    // the unique indexes on the identity and the email let one win. The other reads again and finds
    // what the winner wrote, instead of a 500.
    if (!isUniqueViolation(err)) throw err;
    return await linkOrCreate(db, profile, ip);
  }
}

async function linkOrCreate(db: Db, profile: ProviderProfile, ip: string | null): Promise<UserRow> {
  const linked = await db
    .select({ user: users })
    .from(oauthIdentities)
    .innerJoin(users, eq(users.id, oauthIdentities.userId))
    .where(and(eq(oauthIdentities.provider, profile.provider), eq(oauthIdentities.subject, profile.subject)))
    .get();
  if (linked) return linked.user;
  if (!profile.email) {
    throw new ApiError(400, 'oauth_no_email', `Your ${profile.provider} account shares no email address with us.`);
  }
  const t = Date.now();
  const identity = {
    id: newId('oauthIdentity'),
    provider: profile.provider,
    subject: profile.subject,
    email: profile.email,
    createdAt: t,
  };
  const existing = await db.query.users.findFirst({ where: eq(users.email, profile.email) });
  if (existing) {
    if (!profile.emailVerified) {
      throw new ApiError(
        409,
        'oauth_email_unverified',
        `An account uses ${profile.email}, and ${profile.provider} has not verified that address; sign in with your password instead.`,
      );
    }
    if (existing.emailVerifiedAt) {
      await db.insert(oauthIdentities).values({ ...identity, userId: existing.id });
      return existing;
    }
    // The account never proved the address, the provider just did: whoever registered it may not
    // be its owner, so their password and sessions stop working (a reset sets a new password).
    const [user] = await db.batch([
      db
        .update(users)
        .set({ emailVerifiedAt: t, passwordHash: await unusablePassword() })
        .where(eq(users.id, existing.id))
        .returning(),
      db.update(sessions).set({ revokedAt: t }).where(eq(sessions.userId, existing.id)),
      db.insert(oauthIdentities).values({ ...identity, userId: existing.id }),
    ]);
    return user[0]!;
  }
  const name = profile.name?.trim().slice(0, 100) || profile.email.split('@')[0]!;
  const user: UserRow = {
    id: newId('user'),
    email: profile.email,
    name,
    passwordHash: await unusablePassword(),
    createdAt: t,
    emailVerifiedAt: profile.emailVerified ? t : null,
  };
  const org = { id: newId('org'), name: `${name}'s organization`, createdAt: t };
  await db.batch([
    db.insert(users).values(user),
    db.insert(orgs).values(org),
    db.insert(members).values({ id: newId('member'), orgId: org.id, userId: user.id, role: 'owner', createdAt: t }),
    db.insert(oauthIdentities).values({ ...identity, userId: user.id }),
    rememberAddress(db, ip, user.email, t),
  ]);
  return user;
}

/** A real hash of a secret nobody knows: the account signs in with its provider until a reset sets a password. */
const unusablePassword = () => hashPassword(randomToken(32), { rounds: 1 });

export function identitiesOf(db: Db, userId: string) {
  return db
    .select({ provider: oauthIdentities.provider, email: oauthIdentities.email, createdAt: oauthIdentities.createdAt })
    .from(oauthIdentities)
    .where(eq(oauthIdentities.userId, userId));
}
