/**
 * The one migrator of every Durable Object's own SQLite schema. Durable Objects do not allow
 * `PRAGMA user_version`, so the version lives in a one-row `_schema` table. Each entry of
 * `migrations` runs once, in order; call it inside `blockConcurrencyWhile` in the constructor, so
 * no event sees a half-migrated schema. Append to an object's list; never edit a shipped entry.
 */
export function migrateSql(sql: SqlStorage, migrations: readonly string[]) {
  sql.exec('CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)');
  let version = sql.exec<{ version: number }>('SELECT version FROM _schema').toArray()[0]?.version;
  if (version === undefined) {
    version = legacyVersion(sql);
    sql.exec('INSERT INTO _schema (version) VALUES (?)', version);
  }
  for (; version < migrations.length; version++) {
    sql.exec(migrations[version]!);
    sql.exec('UPDATE _schema SET version = ?', version + 1);
  }
}

/**
 * Objects created before this migrator kept their version in `schema_version`; adopt it once so
 * their migrations do not run twice, then drop the old table.
 */
function legacyVersion(sql: SqlStorage): number {
  const legacy = sql
    .exec<{ n: number }>(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'`)
    .one().n;
  if (!legacy) return 0;
  const v = sql.exec<{ version: number }>('SELECT version FROM schema_version').toArray()[0]?.version ?? 0;
  sql.exec('DROP TABLE schema_version');
  return v;
}
