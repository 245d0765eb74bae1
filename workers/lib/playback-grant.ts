import { timingSafeEqual, toBase64Url } from '../../core/crypto';

/**
 * Access grants: how a viewer's one verified JWT carries over to the many sub-requests of a
 * playback session without a signature check (RSA) per request and without a CDN copy per viewer.
 *
 *   master.m3u8?token=<JWT>        RS256 verified once (tokens.service.ts)
 *     └─ rendition URIs get ?g=<playlist grant>   scope `p`, expires with the JWT (capped)
 *          └─ segment and key URIs get ?g=<segment grant>   scope `s`, expires in SEGMENT_GRANT_S
 *
 * A grant is `<scope>.<exp>.<mac>`, mac = HMAC-SHA256(PLAYBACK_GRANT_SECRET, "v1|scope|pb|exp")
 * truncated to 128 bits: checking one costs one HMAC over a few dozen bytes. It names only the
 * playback id, never the viewer, so every viewer's segment URL differs only in `?g=`; the segment
 * cache is keyed by the segment's canonical URL (no query), so all viewers share one cached copy.
 * A segment URL copied out of a viewer's session (grant included) stops working when its
 * short-lived segment grant expires; a fresh one needs a playlist grant, i.e. the viewer's JWT.
 */
export type GrantScope = 'p' | 's';

/** Playlist grants live as long as the viewer's token, but never longer than this. */
export const PLAYLIST_GRANT_MAX_S = 12 * 3600;
/**
 * Segment grants on live playlists: the player fetches a segment within seconds of seeing it, and
 * the playlist it reloads every segment hands out fresh ones. Short enough that a leaked URL is
 * worthless a minute later.
 */
export const SEGMENT_GRANT_S = 60;

const enc = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let k = keys.get(secret);
  if (!k) {
    // Imported once per isolate: importKey costs more than the HMAC itself.
    k = crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, k);
  }
  return k;
}

async function mac(secret: string, scope: GrantScope, playbackId: string, exp: number): Promise<string> {
  const sig = await crypto.subtle.sign('HMAC', await hmacKey(secret), enc.encode(`v1|${scope}|${playbackId}|${exp}`));
  return toBase64Url(new Uint8Array(sig, 0, 16));
}

export async function signGrant(secret: string, scope: GrantScope, playbackId: string, exp: number): Promise<string> {
  return `${scope}.${exp}.${await mac(secret, scope, playbackId, exp)}`;
}

export type GrantCheck =
  | { ok: true; scope: GrantScope; exp: number }
  | { ok: false; reason: 'malformed' | 'expired' | 'bad_signature' };

/** `nowS` is unix seconds. A grant signed for another playback id fails its MAC. */
export async function checkGrant(secret: string, grant: string, playbackId: string, nowS: number): Promise<GrantCheck> {
  const m = /^([ps])\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(grant);
  if (!m) return { ok: false, reason: 'malformed' };
  const scope = m[1] as GrantScope;
  const exp = Number(m[2]);
  // The MAC first: an expired-but-forged grant should read as forged.
  if (!timingSafeEqual(m[3]!, await mac(secret, scope, playbackId, exp))) return { ok: false, reason: 'bad_signature' };
  if (exp <= nowS) return { ok: false, reason: 'expired' };
  return { ok: true, scope, exp };
}
