import { env } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb } from '../../core/db/client';
import { call, expectError } from '../test/helpers';
import { playbackFixture, viewerToken } from '../test/playback';
import { MAX_TOKEN_LIFETIME_S, signingKeyCache, verifyViewerToken } from './tokens.service';

/** The cache's clock, moved by the test; the real one again after each test. */
let offset = 0;
signingKeyCache.now = () => Date.now() + offset;
afterEach(() => {
  offset = 0;
});

const master = (pb: string, token: string) => `/hls/${pb}.m3u8?token=${encodeURIComponent(token)}`;

describe('signing keys cached per isolate', () => {
  it('stops opening playback after the cache lifetime once a key is deleted straight in D1', async () => {
    const f = await playbackFixture();
    const token = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v' });
    expect((await call(master(f.signedPb, token))).status).toBe(200);
    // Another isolate (or an operator) deleted it: this isolate's cache does not know.
    await env.DB.prepare('DELETE FROM signing_keys WHERE id = ?').bind(f.signing.id).run();
    expect((await call(master(f.signedPb, token))).status).toBe(200);
    offset = signingKeyCache.ttlMs + 1000;
    expectError(await call(master(f.signedPb, token)), 401, 'unknown_key');
  });

  it('remembers unknown kids, so a flood of them does not read D1 on every request', async () => {
    const f = await playbackFixture();
    const kid = 'sk_notyetthere0000000000';
    const token = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v' }, kid);
    expectError(await call(master(f.signedPb, token)), 401, 'unknown_key');
    // The row appears behind the cache's back: within the miss lifetime nobody reads D1 for it.
    const row = await env.DB.prepare('SELECT * FROM signing_keys WHERE id = ?').bind(f.signing.id).first();
    await env.DB.prepare(
      'INSERT INTO signing_keys (id, app_id, name, algorithm, public_key, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
      .bind(kid, row!.app_id, 'copy', row!.algorithm, row!.public_key, Date.now())
      .run();
    expectError(await call(master(f.signedPb, token)), 401, 'unknown_key');
    offset = signingKeyCache.missTtlMs + 1000;
    expect((await call(master(f.signedPb, token))).status).toBe(200);
  });

  it('forgives 30 s of clock skew and refuses tokens that live too long', async () => {
    const f = await playbackFixture();
    const db = createDb(env.DB);
    const skewed = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v', expIn: -10 });
    expect((await verifyViewerToken(db, skewed, { aud: 'v' })).appId).toBe(f.appId);
    const early = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v', nbfIn: 10 });
    expect((await verifyViewerToken(db, early, { aud: 'v' })).appId).toBe(f.appId);
    const forever = await viewerToken(f.signing, { sub: f.signedPb, aud: 'v', expIn: MAX_TOKEN_LIFETIME_S + 3600 });
    expectError(await call(master(f.signedPb, forever)), 401, 'token_malformed');
  });
});
