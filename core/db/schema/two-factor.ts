import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './core';

/**
 * A user's TOTP authenticator. `confirmedAt` is null until a first code proves the app has the
 * secret; `lastStep` is the newest 30-second step a code was accepted for, so a code (or an older
 * one) cannot be used twice.
 */
export const userTotp = sqliteTable('user_totp', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  confirmedAt: integer('confirmed_at'),
  lastStep: integer('last_step'),
  createdAt: integer('created_at').notNull(),
});

/** Ten single-use codes per enrolment, stored as SHA-256 (they are long random strings). */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull().unique(),
    usedAt: integer('used_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('recovery_codes_user').on(t.userId)],
);

/**
 * A user's passkeys (WebAuthn credentials, verified with @simplewebauthn/server). `credentialId`
 * is the authenticator's id (base64url), `publicKey` its COSE key (base64url); `counter` is the
 * signature counter, which must grow when an authenticator keeps one.
 */
export const passkeys = sqliteTable(
  'passkeys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull().unique(),
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull(),
    transports: text('transports', { mode: 'json' }).$type<string[]>(),
    name: text('name').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [index('passkeys_user').on(t.userId)],
);

/**
 * WebAuthn challenges handed out and not yet answered: each answer deletes its row, so a
 * challenge works once, and only within `expiresAt`. `userId` is null for a sign-in (the passkey
 * names its user).
 */
export const webauthnChallenges = sqliteTable('webauthn_challenges', {
  challenge: text('challenge').primaryKey(),
  purpose: text('purpose', { enum: ['register', 'sign_in'] }).notNull(),
  userId: text('user_id'),
  expiresAt: integer('expires_at').notNull(),
});
