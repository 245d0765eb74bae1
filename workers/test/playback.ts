import { importPKCS8, SignJWT } from 'jose';
import { expect } from 'vitest';
import { BASE, call, tenant } from './helpers';
import { createStream, fakeSegment, originCall, publish, sessionPath, uploadSegment } from './origin';

/** Fixtures for playback tests: signing keys, viewer tokens as a customer backend mints them, live and VOD streams. */

export interface SigningKey {
  id: string;
  private_key: string;
}

export async function signingKey(keyToken: string): Promise<SigningKey> {
  const res = await call('/v1/signing-keys', { auth: keyToken, body: {} });
  expect(res.status, res.text).toBe(201);
  return res.json as SigningKey;
}

export interface Claims {
  sub?: string;
  aud?: string;
  /** Seconds from now; null for none. */
  expIn?: number | null;
  nbfIn?: number;
}

export async function viewerToken(key: SigningKey, claims: Claims, kid = key.id): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {};
  if (claims.sub !== undefined) payload.sub = claims.sub;
  if (claims.aud !== undefined) payload.aud = claims.aud;
  if (claims.nbfIn !== undefined) payload.nbf = now + claims.nbfIn;
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid });
  const expIn = claims.expIn === undefined ? 600 : claims.expIn;
  if (expIn !== null) jwt.setExpirationTime(now + expIn);
  return jwt.sign(await importPKCS8(key.private_key, 'RS256'));
}

/** A minimal JPEG: enough for the origin endpoint's magic-number check. */
export const fakeJpeg = (label: string) =>
  new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode(label), 0xff, 0xd9]);

export interface PlaybackFixture {
  keyToken: string;
  appId: string;
  acctToken: string;
  streamId: string;
  sessionId: string;
  publicPb: string;
  signedPb: string;
  signing: SigningKey;
  publishAnswer: Record<string, unknown>;
}

/**
 * A stream with a public and a signed playback id, two 720p segments and a thumbnail. `vod` ends
 * the session (reconnect window 0, recording on), so its playlists come from the recording in R2.
 */
export async function playbackFixture(
  opts: { vod?: boolean; encryption?: boolean; settings?: Record<string, unknown> } = {},
) {
  const t = await tenant();
  if (opts.settings) {
    const res = await call(`/v1/apps/${t.app.id}`, {
      method: 'PATCH',
      auth: t.acct.token,
      body: { settings: opts.settings },
    });
    expect(res.status, res.text).toBe(200);
  }
  const s = await createStream(t.key.token, {
    playback_policies: ['public', 'signed'],
    ladder: ['source', '720p'],
    recording: !!opts.vod,
    reconnect_window: opts.vod ? 0 : 60,
    encryption: !!opts.encryption,
  });
  const pub = await publish(s.stream_key);
  expect(pub.status, pub.text).toBe(200);
  const sessionId = pub.json.session_id as string;
  const now = Date.now();
  for (const seq of [0, 1]) {
    const up = await uploadSegment(s.id, sessionId, '720p', seq, { pdt: new Date(now + seq * 2000) });
    expect(up.status, up.text).toBe(201);
  }
  const thumb = await originCall(`${sessionPath(s.id, sessionId)}/thumbnail`, { raw: fakeJpeg('frame') });
  expect(thumb.status, thumb.text).toBe(204);
  if (opts.vod) await originCall(`${sessionPath(s.id, sessionId)}/publish-done`, { body: {} });
  return {
    keyToken: t.key.token,
    appId: t.app.id,
    acctToken: t.acct.token,
    streamId: s.id,
    sessionId,
    publicPb: s.playback_ids.find((p) => p.policy === 'public')!.id,
    signedPb: s.playback_ids.find((p) => p.policy === 'signed')!.id,
    signing: await signingKey(t.key.token),
    publishAnswer: pub.json as Record<string, unknown>,
  } satisfies PlaybackFixture;
}

/** The URIs a playlist names, resolved against its URL, as paths with their query. */
export function playlistUris(text: string, url: string): string[] {
  const uris = text
    .split('\n')
    .flatMap((l) => (l.startsWith('#') ? [...l.matchAll(/URI="([^"]*)"/g)].map((m) => m[1]!) : l ? [l] : []));
  return uris.map((u) => {
    const r = new URL(u, new URL(url, BASE));
    return r.pathname + r.search;
  });
}

export { fakeSegment };
