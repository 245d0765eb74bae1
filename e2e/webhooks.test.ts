import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryDelayMs } from '../durable-objects/webhook-endpoint/delivery-policy.ts';
import { type ApiClient, startTestStack, type TestStack } from './harness/stack.ts';
import { type Received, verify, WebhookReceiver } from './harness/webhook-receiver.ts';

const BACKOFF_SCALE = 0.001;

/**
 * Webhooks over real HTTP: `wrangler dev` (workerd, the endpoint Durable Objects and their
 * alarms) delivering to Node receivers on loopback. The retry schedule is scaled by 0.001
 * (WEBHOOK_BACKOFF_SCALE, development only) so a day of retries takes about 85 seconds.
 */
const PORT = 8900;
let stack: TestStack;
let api: ApiClient;
const receivers: WebhookReceiver[] = [];

interface Endpoint {
  id: string;
  secret: string;
}
interface Envelope {
  id: string;
  type: string;
  object: { id: string };
}

beforeAll(async () => {
  stack = await startTestStack({
    port: PORT,
    vars: { WEBHOOK_BACKOFF_SCALE: String(BACKOFF_SCALE), WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_ALLOW_PRIVATE: 'true' },
  });
  api = stack.api;
});
afterAll(async () => {
  for (const r of receivers) await r.down();
  await stack?.stop();
});

async function receiver(port: number, eventTypes = ['api_key.*']) {
  const r = new WebhookReceiver(port);
  receivers.push(r);
  await r.up();
  const e = await api.call<Endpoint>('POST', '/v1/webhook-endpoints', { url: r.url, event_types: eventTypes });
  r.secrets = [e.secret];
  return { r, e };
}

/** `n` real lifecycle events, each about its own new API key; returns their event ids. */
async function emitKeys(n: number, revoke = false) {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    // Keys are managed from the console (a key cannot mint keys); the events are read with the key.
    const path = `/v1/apps/${stack.demo.app.id}/api-keys`;
    const k = await stack.console.call<{ id: string }>('POST', path, { name: `e2e-${i}` });
    if (revoke) await stack.console.call('DELETE', `${path}/${k.id}`);
    keys.push(k.id);
  }
  const ids: string[] = [];
  for (const k of keys) {
    const evs = await api.call<{ data: Envelope[] }>('GET', `/v1/events?object_id=${k}`);
    ids.push(...evs.data.map((e) => e.id));
  }
  return { keys, ids };
}

async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${stack.worker.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const allVerified = (rs: Received[]) => rs.filter((r) => r.verifiedBy.length === 0);

describe('webhooks over HTTP', () => {
  it('every delivery verifies with the standardwebhooks library; a tampered body and a stale timestamp do not', async () => {
    const { r, e } = await receiver(8910);
    const { ids } = await emitKeys(3);
    await until('3 deliveries', () => ids.every((id) => r.acked.has(id)));
    expect(allVerified(r.requests)).toEqual([]);
    const d = r.acked.get(ids[0]!)!;
    const headers = { 'webhook-id': d.id, 'webhook-timestamp': String(d.timestamp), 'webhook-signature': d.signature };
    expect((verify(e.secret, d.body, headers) as Envelope).id).toBe(d.id);
    expect(() => verify(e.secret, d.body.replace('api_key.created', 'api_key.revoked'), headers)).toThrow(/signature/i);
    // Correctly signed, but ten minutes old: a replay.
    const old = new Date(Date.now() - 600_000);
    const { Webhook } = await import('standardwebhooks');
    const stale = {
      'webhook-id': d.id,
      'webhook-timestamp': String(Math.floor(old.getTime() / 1000)),
      'webhook-signature': new Webhook(e.secret).sign(d.id, old, d.body),
    };
    expect(() => verify(e.secret, d.body, stale)).toThrow(/too old/i);
    // Our timestamps are the attempt's, not the event's: fresh on every delivery.
    for (const x of r.requests) expect(Math.abs(x.at / 1000 - x.timestamp)).toBeLessThan(5);
  });

  it('a receiver answering 500 for a while gets every event after it recovers, same ids, none lost', async () => {
    const { r } = await receiver(8911);
    let healthyAt = Number.POSITIVE_INFINITY;
    r.behave = () => (Date.now() < healthyAt ? 500 : 'ok');
    healthyAt = Date.now() + 2_500;
    const { ids } = await emitKeys(10);
    await until('all acked', () => ids.every((id) => r.acked.has(id)), 90_000);
    expect(r.acked.size).toBe(ids.length);
    for (const id of ids) {
      const attempts = r.attemptsFor(id);
      expect(attempts.length, id).toBeGreaterThan(1);
      expect(new Set(attempts.map((a) => a.id))).toEqual(new Set([id]));
      // Retries are spaced out, not hammered: the k-th gap is at least the k-th scheduled delay
      // (less its 10% jitter). A lower bound, because a loaded machine only makes attempts later.
      const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
      gaps.forEach((gap, k) => {
        expect(gap, `gap ${k + 1} of ${id}`).toBeGreaterThanOrEqual(0.9 * retryDelayMs(k + 1)! * BACKOFF_SCALE - 5);
      });
    }
    expect(allVerified(r.requests)).toEqual([]);
    // The delivery log tells the same story.
    const ep = await api.call<{ data: { id: string; url: string }[] }>('GET', '/v1/webhook-endpoints');
    const id = ep.data.find((x) => x.url === r.url)!.id;
    const log = await api.call<{ data: { status: string; attempt_count: number }[] }>(
      'GET',
      `/v1/webhook-endpoints/${id}/deliveries?limit=100`,
    );
    expect(log.data).toHaveLength(ids.length);
    expect(log.data.every((d) => d.status === 'succeeded' && d.attempt_count > 1)).toBe(true);
  });

  it('a receiver that times out, and one that is down, get everything once they answer', async () => {
    const slow = await receiver(8912);
    slow.r.behave = (_r, n) => (n === 1 ? 'hang' : 'ok');
    const down = await receiver(8913);
    await down.r.down();
    const { ids } = await emitKeys(6);
    await until('slow receiver acked', () => ids.every((id) => slow.r.acked.has(id)), 60_000);
    for (const id of ids) expect(slow.r.attemptsFor(id).map((a) => a.reply)).toEqual(['hang', 'ok']);
    await new Promise((res) => setTimeout(res, 2_000));
    expect(down.r.requests).toHaveLength(0);
    await down.r.up();
    await until('down receiver acked after recovery', () => ids.every((id) => down.r.acked.has(id)), 90_000);
    expect(down.r.acked.size).toBe(ids.length);
    expect(allVerified([...slow.r.requests, ...down.r.requests])).toEqual([]);
  });

  it('during a rotation both secrets verify; after the overlap only the new one', async () => {
    const { r, e } = await receiver(8914);
    const rotated = await api.call<Endpoint & { previous_secret_expires_at: string }>(
      'POST',
      `/v1/webhook-endpoints/${e.id}/rotate-secret`,
      { overlap_seconds: 4 },
    );
    r.secrets = [e.secret, rotated.secret];
    const during = await emitKeys(1);
    await until('delivery during overlap', () => r.acked.has(during.ids[0]!));
    const d1 = r.acked.get(during.ids[0]!)!;
    expect(d1.signature.split(' ')).toHaveLength(2);
    expect(d1.verifiedBy).toEqual([0, 1]);
    await new Promise((res) => setTimeout(res, Date.parse(rotated.previous_secret_expires_at) - Date.now() + 500));
    const after = await emitKeys(1);
    await until('delivery after overlap', () => r.acked.has(after.ids[0]!));
    const d2 = r.acked.get(after.ids[0]!)!;
    expect(d2.signature.split(' ')).toHaveLength(1);
    expect(d2.verifiedBy).toEqual([1]);
  });

  it("each object's events arrive in the order they happened, even when attempts fail at random", async () => {
    const { r } = await receiver(8915);
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    r.behave = () => (random() < 0.4 ? 503 : 'ok');
    const { keys, ids } = await emitKeys(8, true);
    await until('all acked', () => ids.every((id) => r.acked.has(id)), 90_000);
    for (const k of keys) {
      const mine = r.requests.filter((x) => (JSON.parse(x.body) as Envelope).object.id === k);
      const types = mine.map((x) => (JSON.parse(x.body) as Envelope).type);
      const firstRevoked = types.indexOf('api_key.revoked');
      // Nothing about `revoked` reached the receiver until `created` had been acknowledged.
      expect(
        types.slice(0, firstRevoked).every((t) => t === 'api_key.created'),
        types.join(','),
      ).toBe(true);
      expect(mine[firstRevoked - 1]!.reply).toBe('ok');
    }
  });
});
