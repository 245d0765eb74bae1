import {
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../../core/db/client';
import { passkeys, users, webauthnChallenges } from '../../core/db/schema/index';
import { newId } from '../../core/ids';
import { ApiError, badRequest, notFound, unauthorized } from '../lib/errors';
import type { UserRow } from './accounts.service';

/**
 * Passkeys (WebAuthn) for console accounts, the protocol done by @simplewebauthn/server: enrol
 * one from a signed-in session, then sign in with it alone. User verification (the device's PIN
 * or biometrics) is required, so a passkey is a second factor in itself and its sign-in does not
 * ask for a TOTP code. Each challenge works once, within five minutes.
 */
export type PasskeyRow = typeof passkeys.$inferSelect;

const CHALLENGE_TTL_MS = 5 * 60_000;
const RP_NAME = 'Edgelive';

/** Where the ceremony may happen: the console's origins, and their hostnames as RP IDs. */
export interface RelyingParty {
  /** The RP ID for new options: the hostname of the page asking. */
  id: string;
  origins: string[];
}

const refused = (err: unknown) =>
  new ApiError(400, 'passkey_refused', `The passkey answer was refused: ${err instanceof Error ? err.message : err}`);

async function keepChallenge(db: Db, challenge: string, purpose: 'register' | 'sign_in', userId: string | null) {
  await db.insert(webauthnChallenges).values({ challenge, purpose, userId, expiresAt: Date.now() + CHALLENGE_TTL_MS });
}

/** The challenge an answer signed, taken out of the table (so it cannot be answered twice). */
async function spendChallenge(db: Db, clientDataJSON: string, purpose: 'register' | 'sign_in', userId: string | null) {
  let challenge: string;
  try {
    challenge = String((JSON.parse(isoBase64URL.toUTF8String(clientDataJSON)) as { challenge: unknown }).challenge);
  } catch {
    throw badRequest('`response.response.clientDataJSON` is not base64url JSON.');
  }
  const [row] = await db
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.challenge, challenge),
        eq(webauthnChallenges.purpose, purpose),
        gt(webauthnChallenges.expiresAt, Date.now()),
      ),
    )
    .returning();
  if (!row || row.userId !== userId) {
    throw new ApiError(400, 'invalid_challenge', 'This challenge is unknown, used or expired; ask for new options.');
  }
  return challenge;
}

export async function registrationOptions(db: Db, user: UserRow, rp: RelyingParty) {
  const existing = await listPasskeys(db, user.id);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new Uint8Array(new TextEncoder().encode(user.id)),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({
      id: p.credentialId,
      transports: (p.transports ?? undefined) as AuthenticatorTransport[] | undefined,
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await keepChallenge(db, options.challenge, 'register', user.id);
  return options;
}

export async function finishRegistration(
  db: Db,
  user: UserRow,
  response: RegistrationResponseJSON,
  rp: RelyingParty,
  name: string,
): Promise<PasskeyRow> {
  const expectedChallenge = await spendChallenge(db, response.response.clientDataJSON, 'register', user.id);
  let info: Awaited<ReturnType<typeof verifyRegistrationResponse>>['registrationInfo'];
  try {
    const v = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.origins.map((o) => new URL(o).hostname),
      requireUserVerification: true,
    });
    if (!v.verified) throw new Error('not verified');
    info = v.registrationInfo;
  } catch (err) {
    throw refused(err);
  }
  const row: PasskeyRow = {
    id: newId('passkey'),
    userId: user.id,
    credentialId: info.credential.id,
    publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
    counter: info.credential.counter,
    transports: info.credential.transports ?? null,
    name,
    createdAt: Date.now(),
    lastUsedAt: null,
  };
  const taken = await db.query.passkeys.findFirst({ where: eq(passkeys.credentialId, row.credentialId) });
  if (taken) throw new ApiError(409, 'passkey_exists', 'This passkey is already registered.');
  await db.insert(passkeys).values(row);
  return row;
}

export async function signInOptions(db: Db, rp: RelyingParty) {
  // No allowCredentials: the authenticator offers the user's discoverable passkeys.
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required' });
  await keepChallenge(db, options.challenge, 'sign_in', null);
  return options;
}

/** The account a passkey answer signs in (its counter and last use recorded). */
export async function finishSignIn(db: Db, response: AuthenticationResponseJSON, rp: RelyingParty): Promise<UserRow> {
  const expectedChallenge = await spendChallenge(db, response.response.clientDataJSON, 'sign_in', null);
  const pk = await db.query.passkeys.findFirst({ where: eq(passkeys.credentialId, response.id) });
  if (!pk) throw unauthorized('This passkey is not registered with any account.');
  let newCounter: number;
  try {
    const v = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.origins.map((o) => new URL(o).hostname),
      credential: {
        id: pk.credentialId,
        publicKey: isoBase64URL.toBuffer(pk.publicKey),
        counter: pk.counter,
        transports: (pk.transports ?? undefined) as AuthenticatorTransport[] | undefined,
      },
      requireUserVerification: true,
    });
    if (!v.verified) throw new Error('not verified');
    newCounter = v.authenticationInfo.newCounter;
  } catch (err) {
    throw refused(err);
  }
  await db.update(passkeys).set({ counter: newCounter, lastUsedAt: Date.now() }).where(eq(passkeys.id, pk.id));
  const user = await db.query.users.findFirst({ where: eq(users.id, pk.userId) });
  if (!user) throw unauthorized('This passkey is not registered with any account.');
  return user;
}

export const listPasskeys = (db: Db, userId: string) =>
  db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(passkeys.createdAt);

export async function deletePasskey(db: Db, userId: string, passkeyId: string) {
  const gone = await db
    .delete(passkeys)
    .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)))
    .returning();
  if (!gone.length) throw notFound('passkey');
}
