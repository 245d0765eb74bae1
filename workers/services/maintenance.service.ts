import { eq } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { maintenanceNotice } from '../../core/db/schema/index';
import type { Operator } from './operators.service';

/**
 * The maintenance-mode banner: one notice at a time, set and cleared by an operator, read by
 * everyone (the console's banner, `GET /v1/maintenance`, `/v1/status`). A notice whose `ends_at`
 * has passed is no longer shown, so a forgotten banner does not outlive the work it announced.
 */
export type MaintenanceRow = typeof maintenanceNotice.$inferSelect;
const ID = 'current';

export async function currentMaintenance(db: Db, now = Date.now()): Promise<MaintenanceRow | null> {
  const row = await db.query.maintenanceNotice.findFirst({ where: eq(maintenanceNotice.id, ID) });
  if (!row || (row.endsAt != null && row.endsAt <= now)) return null;
  return row;
}

export interface MaintenanceInput {
  message: string;
  level: MaintenanceRow['level'];
  startsAt: number | null;
  endsAt: number | null;
}

export async function setMaintenance(db: Db, op: Operator, input: MaintenanceInput, now = Date.now()) {
  const row: MaintenanceRow = { id: ID, ...input, operatorEmail: op.email, updatedAt: now };
  await db
    .insert(maintenanceNotice)
    .values(row)
    .onConflictDoUpdate({ target: maintenanceNotice.id, set: { ...input, operatorEmail: op.email, updatedAt: now } })
    .run();
  return row;
}

/** Whether there was a notice to clear. */
export async function clearMaintenance(db: Db): Promise<boolean> {
  const gone = await db.delete(maintenanceNotice).where(eq(maintenanceNotice.id, ID)).returning();
  return gone.length > 0;
}
