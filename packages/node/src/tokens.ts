import { importPKCS8, type JWTPayload, SignJWT } from 'jose';

/** A signing key as the API hands it out once (`POST /v1/signing-keys`). */
export interface SigningKey {
  /** The key's id (`sk_...`): the token's `kid`. */
  id: string;
  /** PKCS#8 PEM, or the same PEM base64-encoded (`private_key_base64`). */
  privateKey: string;
}

interface Common {
  key: SigningKey;
  /** Lifetime in seconds (default 3600; the API accepts at most a day). */
  expiresIn?: number;
  /** More claims (e.g. playback restrictions); they cannot override the ones set here. */
  claims?: JWTPayload;
}

const keys = new Map<string, Promise<CryptoKey>>();
const pem = (s: string) => (s.includes('-----BEGIN') ? s : atob(s));
const importKey = (k: SigningKey) => {
  let key = keys.get(k.privateKey);
  if (!key) {
    key = importPKCS8(pem(k.privateKey), 'RS256');
    keys.set(k.privateKey, key);
  }
  return key;
};

async function sign(k: SigningKey, claims: JWTPayload, expiresIn = 3600): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: k.id, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(`${Math.floor(expiresIn)}s`)
    .sign(await importKey(k));
}

/** What a playback token opens: the video (`v`), thumbnails (`t`) or MP4 downloads (`d`). */
export type PlaybackAudience = 'v' | 't' | 'd';

/** A token for a `signed` playback id: `?token=` on its HLS, thumbnail or download URLs. */
export function signPlaybackToken(opts: Common & { playbackId: string; audience?: PlaybackAudience }): Promise<string> {
  return sign(opts.key, { ...opts.claims, sub: opts.playbackId, aud: opts.audience ?? 'v' }, opts.expiresIn);
}

export type ChatRole = 'user' | 'moderator' | 'admin';

/** A token for a room's WebSocket (`/v1/rooms/{room_id}/ws?token=`): who the user is in chat. */
export function signChatToken(
  opts: Common & { userId: string; name?: string; avatar?: string; role?: ChatRole },
): Promise<string> {
  const { userId, name, avatar, role } = opts;
  return sign(opts.key, { ...opts.claims, sub: userId, aud: 'chat', name, avatar, role }, opts.expiresIn);
}

/**
 * One token for a viewer of one stream: its video and thumbnails, and its room as this user
 * (`aud: ["v","t","chat"]`); the room it opens is only that stream's.
 */
export function signViewerToken(
  opts: Common & { playbackId: string; userId: string; name?: string; avatar?: string; role?: ChatRole },
): Promise<string> {
  const { playbackId, userId, name, avatar, role } = opts;
  return sign(
    opts.key,
    { ...opts.claims, sub: userId, playback_id: playbackId, aud: ['v', 't', 'chat'], name, avatar, role },
    opts.expiresIn,
  );
}
