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
