import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { sha256Hex } from '../../core/crypto';
import type { Db } from '../../core/db/client';
import { orgs, recoveryCodes, userTotp } from '../../core/db/schema/index';
import { newId, randomToken } from '../../core/ids';
import { ApiError, conflict } from '../lib/errors';
import type { UserRow } from './accounts.service';
import { matchStep, newTotpSecret, otpauthUri } from './totp';

/**
 * Second factor: TOTP enrolment (secret → first code confirms → 10 recovery codes), sign-in
 * checks (a code's step is recorded in the same UPDATE that accepts it, so a code works once),
 * and the org setting that requires it of every member.
 */
export const RECOVERY_CODES = 10;

export const twoFactorRequired = (details?: unknown) =>
  new ApiError(
    401,
    'two_factor_required',
    'This account has two-factor sign-in: send totp_code or recovery_code.',
    details,
  );
const wrongCode = () => new ApiError(401, 'invalid_two_factor', 'That code is wrong, or was already used.');

export async function hasTwoFactor(db: Db, userId: string): Promise<boolean> {
  const row = await db.query.userTotp.findFirst({ where: eq(userTotp.userId, userId) });
  return Boolean(row?.confirmedAt);
}

/** A new (unconfirmed) secret; enrolling again before confirming replaces it. */
export async function startEnrolment(db: Db, user: UserRow) {
  if (await hasTwoFactor(db, user.id)) throw conflict('Two-factor sign-in is already on; turn it off first.');
  const secret = newTotpSecret();
  await db
    .insert(userTotp)
    .values({ userId: user.id, secret, createdAt: Date.now() })
    .onConflictDoUpdate({ target: userTotp.userId, set: { secret, createdAt: Date.now(), lastStep: null } });
  return { secret, otpauth_uri: otpauthUri(secret, user.email) };
}

/** Accepts `code` for its step only if no code of that step or a later one was accepted before. */
async function acceptCode(db: Db, userId: string, code: string, confirming: boolean): Promise<boolean> {
  const row = await db.query.userTotp.findFirst({ where: eq(userTotp.userId, userId) });
  if (!row || Boolean(row.confirmedAt) === confirming) return false;
  const step = await matchStep(row.secret, code);
  if (step === null) return false;
  const t = Date.now();
  const updated = await db
    .update(userTotp)
    .set({ lastStep: step, ...(confirming ? { confirmedAt: t } : {}) })
    .where(and(eq(userTotp.userId, userId), or(isNull(userTotp.lastStep), lt(userTotp.lastStep, step))))
    .returning();
  return updated.length === 1;
}

const newRecoveryCode = () => {
  const raw = randomToken(16).toLowerCase();
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}-${raw.slice(12, 16)}`;
};
const normalizeRecovery = (code: string) => code.trim().toLowerCase();

/** The first code proves the authenticator has the secret; the recovery codes exist only in this answer. */
export async function confirmEnrolment(db: Db, userId: string, code: string) {
  if (!(await acceptCode(db, userId, code, true))) throw wrongCode();
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  const t = Date.now();
  const rows = await Promise.all(
    codes.map(async (c) => ({ id: newId('recoveryCode'), userId, codeHash: await sha256Hex(c), createdAt: t })),
  );
  await db.batch([
    db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
    db.insert(recoveryCodes).values(rows),
  ]);
  return codes;
}

export async function disableTwoFactor(db: Db, userId: string) {
  await db.batch([
    db.delete(userTotp).where(eq(userTotp.userId, userId)),
    db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)),
  ]);
}

/** For sign-in: nothing to do without TOTP; otherwise one valid, unused code or recovery code. */
export async function checkSecondFactor(db: Db, userId: string, body: { totp_code?: string; recovery_code?: string }) {
  if (!(await hasTwoFactor(db, userId))) return;
  if (body.totp_code) {
    if (await acceptCode(db, userId, body.totp_code, false)) return;
    throw wrongCode();
  }
  if (body.recovery_code) {
    const used = await db
      .update(recoveryCodes)
      .set({ usedAt: Date.now() })
      .where(
        and(
          eq(recoveryCodes.userId, userId),
          eq(recoveryCodes.codeHash, await sha256Hex(normalizeRecovery(body.recovery_code))),
          isNull(recoveryCodes.usedAt),
        ),
      )
      .returning();
    if (used.length === 1) return;
    throw wrongCode();
  }
  throw twoFactorRequired({ methods: ['totp_code', 'recovery_code'] });
}

export async function setOrgRequireTwoFactor(db: Db, orgId: string, userId: string, on: boolean) {
  // The owner flipping it on must not lock themselves out.
  if (on && !(await hasTwoFactor(db, userId))) {
    throw new ApiError(
      409,
      'two_factor_required',
      'Turn on two-factor sign-in for yourself before requiring it of everyone.',
    );
  }
  const [o] = await db.update(orgs).set({ requireTwoFactor: on }).where(eq(orgs.id, orgId)).returning();
  return o!;
}
