import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../core/db/client';
import { oauthIdentities, users } from '../../core/db/schema/index';
import { accountForProfile } from './oauth-accounts.service';

const db = createDb(env.DB);

describe('accountForProfile', () => {
  it('gives two concurrent first sign-ins of one identity the same new account, created once', async () => {
    const subject = `sub-${crypto.randomUUID()}`;
    const email = `${subject}@example.com`;
    const profile = { provider: 'google' as const, subject, email, emailVerified: true, name: 'Racer' };
    const [a, b, c] = await Promise.all([
      accountForProfile(db, profile, '192.0.2.10'),
      accountForProfile(db, profile, '192.0.2.11'),
      accountForProfile(db, profile, '192.0.2.12'),
    ]);
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    expect(await db.select().from(users).where(eq(users.email, email))).toHaveLength(1);
    expect(await db.select().from(oauthIdentities).where(eq(oauthIdentities.subject, subject))).toHaveLength(1);
  });

  it('links concurrent first sign-ins to an existing verified account once', async () => {
    const first = {
      provider: 'google' as const,
      subject: `sub-${crypto.randomUUID()}`,
      emailVerified: true,
      name: null,
    };
    const email = `${first.subject}@example.com`;
    const owner = await accountForProfile(db, { ...first, email }, null);
    const other = {
      provider: 'github' as const,
      subject: `gh-${crypto.randomUUID()}`,
      email,
      emailVerified: true,
      name: null,
    };
    const linked = await Promise.all([accountForProfile(db, other, null), accountForProfile(db, other, null)]);
    expect(linked.map((u) => u.id)).toEqual([owner.id, owner.id]);
    expect(await db.select().from(oauthIdentities).where(eq(oauthIdentities.userId, owner.id))).toHaveLength(2);
  });
});
