import { describe, expect, it } from 'vitest';
import { MAX_JSON_BODY } from '../app';
import { recordedAsset } from './assets';
import { call, expectError, tenant } from './helpers';
import { allOperations, fill } from './route-inventory';

/**
 * Bad input never produces a 5xx: for every route that takes a body, malformed JSON, the wrong
 * content type, a non-object, wrong types and an oversized body each get a 4xx with the error
 * envelope; path ids of the wrong kind answer 404.
 */
const WITH_BODY = new Set(['POST', 'PATCH', 'PUT']);

async function setup() {
  const t = await tenant();
  const signing = await call('/v1/signing-keys', { auth: t.key.token, body: {} });
  const room = await call('/v1/rooms', { auth: t.key.token, body: {} });
  const endpoint = await call('/v1/webhook-endpoints', { auth: t.key.token, body: { url: 'http://127.0.0.1:9/b' } });
  const stream = await call('/v1/streams', { auth: t.key.token, body: { playback_policies: ['public'] } });
  const channel = await call('/v1/channels', { auth: t.key.token, body: { slug: 'matrix', display_name: 'M' } });
  const ids: Record<string, string> = {
    org_id: t.acct.orgId,
    app_id: t.app.id,
    key_id: t.key.id,
    signing_key_id: signing.json.id,
    invitation_id: 'inv_AAAAAAAAAAAAAAAAAAAA',
    member_id: 'mem_AAAAAAAAAAAAAAAAAAAA',
    room_id: room.json.id,
    message_id: 'msg_AAAAAAAAAAAAAAAAAAAA',
    user_id: 'someone',
    flag_id: 'flg_AAAAAAAAAAAAAAAAAAAA',
    endpoint_id: endpoint.json.id,
    delivery_id: 'dlv_AAAAAAAAAAAAAAAAAAAA',
    event_id: 'evt_AAAAAAAAAAAAAAAAAAAA',
    stream_id: stream.json.id,
    playback_id: stream.json.playback_ids[0].id,
    channel_id: channel.json.id,
    asset_id: (await recordedAsset(t.key.token)).asset.id,
    target_id: 'sim_AAAAAAAAAAAAAAAAAAAA',
    domain_id: 'dom_AAAAAAAAAAAAAAAAAAAA',
    input_id: 'inp_AAAAAAAAAAAAAAAAAAAA',
    connector_id: 'con_AAAAAAAAAAAAAAAAAAAA',
    invoice_id: 'in_AAAAAAAAAAAAAAAAAAAA',
  };
  return { ...t, ids };
}

const authFor = (path: string, t: Awaited<ReturnType<typeof setup>>) =>
  path.startsWith('/apps') || path.startsWith('/orgs') || path.startsWith('/auth') || path.startsWith('/invitations')
    ? t.acct.token
    : t.key.token;

describe('bad input matrix', () => {
  it('every body-taking route answers 4xx with the envelope, never 5xx', async () => {
    const t = await setup();
    const ops = (await allOperations()).filter((op) => WITH_BODY.has(op.method) && op.path !== '/auth/logout');
    expect(ops.length).toBeGreaterThan(10);
    const cases: [string, { raw?: string; body?: unknown; headers?: Record<string, string> }][] = [
      ['malformed JSON', { raw: '{"name": ', headers: { 'content-type': 'application/json' } }],
      ['not JSON at all', { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
      ['a JSON array', { body: [1, 2, 3] }],
      ['a JSON string', { body: 'hello' }],
      ['wrong types', { body: { name: 42, email: false, role: [], settings: 'x', org_id: 7, token: {}, password: 1 } }],
      [
        'oversized',
        {
          raw: JSON.stringify({ name: 'x'.repeat(MAX_JSON_BODY + 10) }),
          headers: { 'content-type': 'application/json' },
        },
      ],
    ];
    const bad: string[] = [];
    for (const op of ops) {
      const path = `/v1${fill(op.path, t.ids)}`;
      for (const [label, c] of cases) {
        const res = await call(path, { method: op.method, auth: authFor(op.path, t), ...c });
        const envelope = typeof res.json?.error?.code === 'string' && typeof res.json?.error?.message === 'string';
        // Routes that declare no body (rotate, archive) ignore it, so 2xx is right for them only.
        const ok =
          (res.status >= 400 && res.status < 500 && envelope) ||
          (!op.hasBody && res.status < 300 && label !== 'oversized');
        if (!ok || res.status >= 500)
          bad.push(`${op.method} ${op.path} [${label}] -> ${res.status} ${res.text.slice(0, 100)}`);
      }
    }
    expect(bad).toEqual([]);
    // Six requests per body-taking operation, and the operations grow with every feature.
  }, 180_000);

  it('refuses oversized bodies with 413 before parsing', async () => {
    const t = await setup();
    const res = await call('/v1/api-keys', {
      auth: t.key.token,
      raw: 'x'.repeat(MAX_JSON_BODY + 1),
      headers: { 'content-type': 'application/json' },
    });
    expectError(res, 413, 'payload_too_large');
  });

  it('refuses unknown fields instead of ignoring them', async () => {
    const t = await setup();
    expectError(
      await call('/v1/api-keys', { auth: t.key.token, body: { name: 'k', scopes: ['all'] } }),
      400,
      'invalid_request',
    );
    const res = await call('/v1/signing-keys', { auth: t.key.token, body: { name: 'k', algorithm: 'HS256' } });
    expectError(res, 400);
    expect(res.json.error.details.issues[0]).toMatchObject({ message: expect.any(String) });
  });

  it('answers 404 for path ids of the wrong kind and for unknown routes', async () => {
    const t = await setup();
    expectError(await call(`/v1/api-keys/${t.app.id}`, { auth: t.key.token }), 404, 'not_found');
    expectError(await call(`/v1/signing-keys/${t.key.id}`, { auth: t.key.token }), 404);
    expectError(await call(`/v1/apps/${t.key.id}`, { auth: t.acct.token }), 404);
    expectError(await call(`/v1/orgs/${t.app.id}/members`, { auth: t.acct.token }), 404);
    expectError(await call(`/v1/apps/${'x'.repeat(500)}/api-keys`, { auth: t.acct.token }), 404);
    expectError(await call('/v1/nothing-here', { auth: t.key.token }), 404);
  });

  it('refuses bad query parameters with 400', async () => {
    const t = await setup();
    expectError(await call('/v1/api-keys?limit=0', { auth: t.key.token }), 400);
    expectError(await call('/v1/api-keys?limit=abc', { auth: t.key.token }), 400);
    expectError(await call('/v1/api-keys?limit=1000', { auth: t.key.token }), 400);
    expectError(await call(`/v1/orgs/${t.acct.orgId}/audit-log?since=yesterday`, { auth: t.acct.token }), 400);
  });
});
