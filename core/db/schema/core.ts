import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The control plane's D1 schema. `npm run db:generate` turns changes here into a new file in
 * migrations/ (drizzle-kit); never edit an applied migration.
 * Times are epoch milliseconds (rendered as ISO 8601 by the API).
 */

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at').notNull(),
  /** Set when the user proved the address is theirs (a mailed link); null blocks invitations. */
  emailVerifiedAt: integer('email_verified_at'),
});

/** A signed-in console session; the JWT carries its id so sign-out can revoke it. */
export const sessions = sqliteTable('sessions', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  revokedAt: integer('revoked_at'),
  /** A platform operator's read-only "view as" session: the operator's user and own session (to return to). */
  viewAsBy: text('view_as_by'),
  operatorSessionId: text('operator_session_id'),
});

export const orgs = sqliteTable('orgs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Members without a second factor are refused the org's routes (403 `two_factor_required`). */
  requireTwoFactor: integer('require_two_factor', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at').notNull(),
  /** Set by a platform operator: the org's API answers 403 `org_suspended` and its publishers are dropped. */
  suspendedAt: integer('suspended_at'),
  suspendedReason: text('suspended_reason'),
});

export const members = sqliteTable(
  'members',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['owner', 'admin', 'developer', 'viewer'] }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('members_org_user').on(t.orgId, t.userId), index('members_user').on(t.userId)],
);

export const invitations = sqliteTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: ['owner', 'admin', 'developer', 'viewer'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: text('invited_by').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    acceptedAt: integer('accepted_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('invitations_org').on(t.orgId, t.createdAt)],
);

export const apps = sqliteTable(
  'apps',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** JSON object of per-app settings (playback restrictions, max quality, ...). */
    settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    archivedAt: integer('archived_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('apps_org').on(t.orgId, t.createdAt)],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** SHA-256 of the secret: secrets are long random strings, so a slow hash buys nothing. */
    secretHash: text('secret_hash').notNull(),
    /** What the key may do (`streams:read`, `rooms:*`, ...); `["*"]` is everything (keys made before scopes). */
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull().default(sql`'["*"]'`),
    /** Requests per minute this key may make; null takes the deployment's default. */
    rateLimit: integer('rate_limit'),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [index('api_keys_app').on(t.appId, t.createdAt)],
);

export const signingKeys = sqliteTable(
  'signing_keys',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    algorithm: text('algorithm').notNull(),
    /** SPKI PEM; the private half is returned once at creation and never stored. */
    publicKey: text('public_key').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('signing_keys_app').on(t.appId, t.createdAt)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    appId: text('app_id'),
    actorType: text('actor_type', { enum: ['user', 'api_key', 'system'] }).notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    ip: text('ip'),
    success: integer('success', { mode: 'boolean' }).notNull(),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('audit_org_time').on(t.orgId, t.createdAt)],
);

/** Failed sign-in counters, one row per client address and one per account (`ip:` / `email:`). */
export const loginThrottle = sqliteTable('login_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStart: integer('window_start').notNull(),
  lockedUntil: integer('locked_until'),
});
