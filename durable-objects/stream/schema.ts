/**
 * The stream object's own SQLite schema, versioned in `schema_version` (Durable Objects do not
 * allow `PRAGMA user_version`): each entry runs
 * once, in order, inside `blockConcurrencyWhile` in the constructor. Append; never edit one.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE state (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     stream_id TEXT,
     app_id TEXT,
     status TEXT NOT NULL DEFAULT 'idle',
     disabled INTEGER NOT NULL DEFAULT 0,
     deleted INTEGER NOT NULL DEFAULT 0,
     session_id TEXT,
     origin_id TEXT,
     epoch INTEGER NOT NULL DEFAULT 0,
     reconnects INTEGER NOT NULL DEFAULT 0,
     config TEXT,
     started_at INTEGER,
     last_activity_at INTEGER,
     reconnect_deadline INTEGER
   );
   INSERT INTO state (id) VALUES (1);
   CREATE TABLE segments (
     session_id TEXT NOT NULL,
     rendition TEXT NOT NULL,
     sequence INTEGER NOT NULL,
     duration REAL NOT NULL,
     pdt INTEGER NOT NULL,
     bytes INTEGER NOT NULL,
     epoch INTEGER NOT NULL,
     received_at INTEGER NOT NULL,
     msn INTEGER,
     discontinuity INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (session_id, rendition, sequence)
   );
   CREATE INDEX segments_listed ON segments (session_id, rendition, msn);
   CREATE TABLE renditions (
     session_id TEXT NOT NULL,
     name TEXT NOT NULL,
     bandwidth INTEGER NOT NULL,
     average_bandwidth INTEGER,
     resolution TEXT,
     codecs TEXT,
     frame_rate REAL,
     PRIMARY KEY (session_id, name)
   );`,
  // The origin marks the first segment after an FFmpeg restart: its timestamps start over.
  'ALTER TABLE segments ADD COLUMN marked INTEGER NOT NULL DEFAULT 0',
];

export function migrate(sql: SqlStorage) {
  sql.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = sql.exec<{ version: number }>('SELECT version FROM schema_version').toArray()[0];
  if (!row) sql.exec('INSERT INTO schema_version (version) VALUES (0)');
  for (let v = row?.version ?? 0; v < MIGRATIONS.length; v++) {
    sql.exec(MIGRATIONS[v]!);
    sql.exec('UPDATE schema_version SET version = ?', v + 1);
  }
}
