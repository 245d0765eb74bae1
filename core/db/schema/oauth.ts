import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './core';

/**
 * A Google or GitHub identity linked to a console account. The provider's subject (never its
 * email, which can change hands) is what signs the user in again; `email` is what the provider
 * said when the link was made, kept for support.
 */
export const oauthIdentities = sqliteTable(
  'oauth_identities',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['google', 'github'] }).notNull(),
    subject: text('subject').notNull(),
    email: text('email').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('oauth_identities_subject').on(t.provider, t.subject),
    index('oauth_identities_user').on(t.userId),
  ],
);
