import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, tenant } from '../../workers/test/helpers';
import { EventOutbox } from './event-outbox';

/** D1 that prepares statements but refuses to run a batch, as during an outage. */
const d1Down = {
  ...env,
  DB: { prepare: env.DB.prepare.bind(env.DB), batch: () => Promise.reject(new Error('D1 unavailable')) },
} as unknown as typeof env;

describe("an object's event outbox", () => {
  it('keeps events in the object while D1 refuses them, then lands each exactly once', async () => {
    const t = await tenant();
    const stub = env.ROOM.get(env.ROOM.idFromName(`outbox-${t.app.id}`));
    const id = await runInDurableObject(stub, async (_instance, state) => {
      const outbox = new EventOutbox(state.storage.sql);
      const row = outbox.record({
        appId: t.app.id,
        type: 'room.updated',
        objectType: 'room',
        objectId: 'room_outboxtest0000',
        data: { id: 'room_outboxtest0000' },
      });
      expect(await outbox.flush(d1Down)).toBe(false);
      expect(outbox.pending()).toBe(1);
      expect(await outbox.flush(env)).toBe(true);
      expect(outbox.pending()).toBe(0);
      expect(await outbox.flush(env)).toBe(true);
      return row.id;
    });
    const listed = (await call('/v1/events?object_id=room_outboxtest0000', { auth: t.key.token })).json.data;
    expect(listed.map((e: { id: string }) => e.id)).toEqual([id]);
    const row = await env.DB.prepare('SELECT delivered_at FROM events WHERE id = ?').bind(id).first();
    expect(row!.delivered_at).not.toBeNull();
  });
});
