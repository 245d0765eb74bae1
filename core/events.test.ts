import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { WebhookEndpointObject } from '../durable-objects/webhook-endpoint/webhook-endpoint.do';
import { scheduled } from '../workers/scheduled';
import { call, tenant } from '../workers/test/helpers';
import { captureDeliveries, createEndpoint } from '../workers/test/webhooks';

const stubOf = (id: string) => env.WEBHOOKS.get(env.WEBHOOKS.idFromName(id));
const ctx = {
  waitUntil: () => undefined,
  passThroughOnException: () => undefined,
  props: {},
} as unknown as ExecutionContext;
const sweep = () => scheduled({ cron: '* * * * *', scheduledTime: Date.now(), noRetry: () => undefined }, env, ctx);

/** The endpoint object's next enqueue throws, as if its storage failed once. */
async function failNextEnqueue(endpointId: string) {
  await runInDurableObject(stubOf(endpointId), (instance: WebhookEndpointObject) => {
    const store = (instance as unknown as { store: { insert: (...a: unknown[]) => unknown } }).store;
    const insert = store.insert;
    store.insert = () => {
      store.insert = insert;
      throw new Error('storage unavailable');
    };
  });
}

const undelivered = async (objectId: string) =>
  (
    await env.DB.prepare('SELECT type FROM events WHERE object_id = ? AND delivered_at IS NULL')
      .bind(objectId)
      .all<{ type: string }>()
  ).results.map((r) => r.type);

describe('events outbox', () => {
  it('answers without a 5xx when enqueueing fails, and the sweeper delivers stream.created', async () => {
    const t = await tenant();
    const ep = await createEndpoint(t.key.token, { event_types: ['stream.*'] });
    const seen = await captureDeliveries(ep.id);
    await failNextEnqueue(ep.id);

    const res = await call('/v1/streams', { auth: t.key.token, body: { name: 'outbox' } });
    expect(res.status, res.text).toBe(201);
    const streamId = res.json.id as string;
    // Committed with the stream, listed, but not handed over yet.
    const listed = (await call(`/v1/events?object_id=${streamId}`, { auth: t.key.token })).json.data;
    expect(listed.map((e: { type: string }) => e.type)).toEqual(['stream.created']);
    expect(await undelivered(streamId)).toEqual(['stream.created']);

    // The next run of the Cron Trigger hands it over; the endpoint's alarm sends it.
    await sweep();
    expect(await undelivered(streamId)).toEqual([]);
    await runDurableObjectAlarm(stubOf(ep.id));
    const bodies = seen.map((s) => JSON.parse(s.body) as { type: string; id: string; object: { id: string } });
    expect(bodies.filter((b) => b.object.id === streamId).map((b) => b.type)).toEqual(['stream.created']);
    expect(bodies.find((b) => b.object.id === streamId)!.id).toBe(listed[0].id);
  });

  it('keeps an object order: a later event waits for an earlier one that failed', async () => {
    const t = await tenant();
    const ep = await createEndpoint(t.key.token, { event_types: ['stream.*'] });
    const seen = await captureDeliveries(ep.id);
    await failNextEnqueue(ep.id);
    const s = (await call('/v1/streams', { auth: t.key.token, body: { name: 'first' } })).json;
    const upd = await call(`/v1/streams/${s.id}`, { method: 'PATCH', auth: t.key.token, body: { name: 'second' } });
    expect(upd.status, upd.text).toBe(200);
    // The update handed over the backlog first: both queued, in order, no sweeper needed.
    expect(await undelivered(s.id)).toEqual([]);
    await runDurableObjectAlarm(stubOf(ep.id));
    await runDurableObjectAlarm(stubOf(ep.id));
    const types = seen.map((x) => JSON.parse(x.body) as { type: string; object: { id: string } });
    expect(types.filter((b) => b.object.id === s.id).map((b) => b.type)).toEqual(['stream.created', 'stream.updated']);
  });

  it('commits a stream change with its event: enqueue failing on PATCH answers 200 and the sweeper sends the new state', async () => {
    const t = await tenant();
    const s = (await call('/v1/streams', { auth: t.key.token, body: { name: 'before' } })).json;
    const ep = await createEndpoint(t.key.token, { event_types: ['stream.updated', 'stream.key_reset'] });
    const seen = await captureDeliveries(ep.id);
    await failNextEnqueue(ep.id);
    const upd = await call(`/v1/streams/${s.id}`, { method: 'PATCH', auth: t.key.token, body: { name: 'after' } });
    expect(upd.status, upd.text).toBe(200);
    expect(await undelivered(s.id)).toEqual(['stream.updated']);
    const reset = await call(`/v1/streams/${s.id}/reset-stream-key`, { method: 'POST', auth: t.key.token });
    expect(reset.status, reset.text).toBe(200);
    await sweep();
    expect(await undelivered(s.id)).toEqual([]);
    await runDurableObjectAlarm(stubOf(ep.id));
    await runDurableObjectAlarm(stubOf(ep.id));
    const bodies = seen.map((x) => JSON.parse(x.body) as { type: string; data: { name: string; stream_key: null } });
    expect(bodies.map((b) => [b.type, b.data.name, b.data.stream_key])).toEqual([
      ['stream.updated', 'after', null],
      ['stream.key_reset', 'after', null],
    ]);
  });
});
