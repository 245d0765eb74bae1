import { env, exports } from 'cloudflare:workers';
import { originAuthorization } from '@edgelive/shared/origin-protocol';
import { describe, expect, it } from 'vitest';
import { BASE, call } from '../test/helpers';
import { ORIGINS } from '../test/origin';

/** `/healthz`, `/v1/status`, the `/status` page, and origins going down when their heartbeats stop. */
async function heartbeat(originId: keyof typeof ORIGINS, body: unknown) {
  const path = '/internal/origin/heartbeat';
  const authorization = await originAuthorization(originId, ORIGINS[originId], 'POST', path);
  return exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

type Status = { status: string; components: { name: string; status: string; last_heartbeat_at?: string | null }[] };
const component = (s: Status, name: string) => s.components.find((c) => c.name === name);

describe('status', () => {
  it('answers /healthz and serves the status page, with a request id', async () => {
    const h = await call('/healthz');
    expect(h.status).toBe(200);
    expect(h.json).toEqual({ ok: true });
    expect(h.headers.get('x-request-id')).toBeTruthy();
    const page = await call('/status');
    expect(page.status).toBe(200);
    expect(page.text).toContain("fetch('/v1/status'");
  });

  it('reports each component, and an origin down once it stops heartbeating', async () => {
    const before = (await call('/v1/status')).json as Status;
    expect(component(before, 'api')?.status).toBe('operational');
    expect(component(before, 'd1')?.status).toBe('operational');
    expect(component(before, 'r2')?.status).toBe('operational');
    expect(component(before, 'webhooks')?.status).toBe('operational');
    // A configured origin that never said anything is down.
    expect(component(before, 'origin:orig_local2')).toMatchObject({ status: 'down', last_heartbeat_at: null });

    expect((await heartbeat('orig_local', { publications: 2 })).status).toBe(204);
    const live = (await call('/v1/status')).json as Status;
    expect(component(live, 'origin:orig_local')?.status).toBe('operational');

    // The origin stops: its last heartbeat ages past the limit (moved back rather than waited for):
    // late after two missed 5 s beats, down after three.
    await env.DB.prepare('UPDATE origin_heartbeats SET last_seen_at = last_seen_at - 11000 WHERE origin_id = ?')
      .bind('orig_local')
      .run();
    expect(component((await call('/v1/status')).json as Status, 'origin:orig_local')?.status).toBe('degraded');
    await env.DB.prepare('UPDATE origin_heartbeats SET last_seen_at = last_seen_at - 5000 WHERE origin_id = ?')
      .bind('orig_local')
      .run();
    const down = (await call('/v1/status')).json as Status;
    expect(component(down, 'origin:orig_local')?.status).toBe('down');
    expect(down.status).toBe('down');
    // It comes back with its next heartbeat.
    await heartbeat('orig_local', { publications: 0 });
    expect(component((await call('/v1/status')).json as Status, 'origin:orig_local')?.status).toBe('operational');
  });

  it('refuses unsigned and malformed heartbeats', async () => {
    const res = await call('/internal/origin/heartbeat', { body: { publications: 1 } });
    expect(res.status).toBe(401);
    expect((await heartbeat('orig_local', { publications: -1 })).status).toBe(400);
  });
});
