import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * What platform operators did (suspend, unsuspend, kill a stream, view as a user): outside any
 * organization's own audit log, since the operator is not one of its members.
 */
export const operatorAudit = sqliteTable(
  'operator_audit',
  {
    id: text('id').primaryKey(),
    operatorId: text('operator_id').notNull(),
    operatorEmail: text('operator_email').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    /** The org the target belongs to, so one org's history can be read. */
    orgId: text('org_id'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
    ip: text('ip'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('operator_audit_time').on(t.createdAt), index('operator_audit_org').on(t.orgId, t.createdAt)],
);

/**
 * The maintenance-mode banner an operator sets (one row, id `current`): the console shows it to
 * everyone and `GET /v1/maintenance` and `/v1/status` report it. Cleared by deleting the row.
 */
export const maintenanceNotice = sqliteTable('maintenance_notice', {
  id: text('id').primaryKey(),
  message: text('message').notNull(),
  /** `info` (planned work ahead) or `warning` (work under way, things may fail). */
  level: text('level', { enum: ['info', 'warning'] }).notNull(),
  startsAt: integer('starts_at'),
  endsAt: integer('ends_at'),
  operatorEmail: text('operator_email').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
