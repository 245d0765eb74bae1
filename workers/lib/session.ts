import { jwtVerify, SignJWT } from 'jose';

export const SESSION_COOKIE = 'edgelive_session';
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signSession(secret: string, userId: string, sessionId: string, expiresAt: number) {
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt / 1000))
    .setAudience('edgelive:console')
    .sign(key(secret));
}

/** Returns the user and session ids, or null for anything not signed by us and unexpired. */
export async function readSession(secret: string, token: string) {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      audience: 'edgelive:console',
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return null;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch {
    return null;
  }
}
