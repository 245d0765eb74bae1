import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { DeliveryStore } from './delivery-store';

describe('the delivery store schema', () => {
  it('adopts the version an object kept in schema_version before the shared migrator, running nothing twice', async () => {
    const stub = env.WEBHOOKS.get(env.WEBHOOKS.idFromName('we_legacyschema0000'));
    await runInDurableObject(stub, async (_instance, state) => {
      const sql = state.storage.sql;
      // What the old migrator left: its tables, a row, and `schema_version` at 1.
      sql.exec('DROP TABLE _schema');
      sql.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
      sql.exec('INSERT INTO schema_version (version) VALUES (1)');
      const store = new DeliveryStore(sql);
      store.insert(
        { id: 'dlv_legacy0001', eventId: 'evt_legacy0001', eventType: 'stream.created', orderKey: null, payload: '{}' },
        1,
      );

      store.migrate(); // would fail with "table deliveries already exists" if the first step ran again
      expect(sql.exec<{ version: number }>('SELECT version FROM _schema').one().version).toBe(1);
      const legacy = sql.exec(`SELECT name FROM sqlite_master WHERE name = 'schema_version'`).toArray();
      expect(legacy).toEqual([]);
      expect(store.get('dlv_legacy0001')?.event_id).toBe('evt_legacy0001');
    });
  });
});
