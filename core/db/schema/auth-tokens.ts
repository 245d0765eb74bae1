import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './core';

/**
 * Single-use tokens mailed to a user: email verification, password reset, email change. Only the
 * SHA-256 of the token is stored; `email` is the address the link was sent to, so a link for an
 * address the account no longer has is refused.
 */
export const authTokens = sqliteTable(
  'auth_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['verify_email', 'reset_password', 'change_email'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    email: text('email').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('auth_tokens_user').on(t.userId, t.purpose)],
);
