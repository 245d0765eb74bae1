/**
 * Several named timers behind a Durable Object's one alarm. Each timer is a row of `schedules`
 * (so it survives eviction); the alarm is armed for the earliest. The object's `alarm()` calls
 * `takeDue()` and acts on each name, then `rearm()`.
 */
export class Scheduler {
  /** The time the alarm was last armed for by this instance (null: unknown or none). */
  private armedAt: number | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: DurableObjectStorage,
  ) {
    sql.exec('CREATE TABLE IF NOT EXISTS schedules (name TEXT PRIMARY KEY, at INTEGER NOT NULL)');
  }

  /**
   * Runs `name` at `at`. `keepEarlier` (the default) leaves an earlier time in place, for timers
   * that coalesce ("at the latest then"); false moves the timer, for deadlines that are reset.
   */
  schedule(name: string, at: number, keepEarlier = true) {
    this.sql.exec(
      `INSERT INTO schedules (name, at) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET at = ${keepEarlier ? 'min(at, excluded.at)' : 'excluded.at'}`,
      name,
      at,
    );
    if (this.armedAt === null || at < this.armedAt) {
      this.armedAt = at;
      void this.storage.setAlarm(at);
    }
  }

  cancel(name: string) {
    this.sql.exec('DELETE FROM schedules WHERE name = ?', name);
  }

  at(name: string): number | null {
    return this.sql.exec<{ at: number }>('SELECT at FROM schedules WHERE name = ?', name).toArray()[0]?.at ?? null;
  }

  /** Removes and returns the timers that are due; call first thing in `alarm()`. */
  takeDue(now = Date.now()): string[] {
    this.armedAt = null;
    return this.sql
      .exec<{ name: string }>('DELETE FROM schedules WHERE at <= ? RETURNING name', now)
      .toArray()
      .map((r) => r.name);
  }

  /** Arms the alarm for the earliest remaining timer (or clears it); call last in `alarm()`. */
  async rearm() {
    const next = this.sql.exec<{ at: number | null }>('SELECT min(at) AS at FROM schedules').one().at;
    this.armedAt = next;
    if (next === null) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(next);
  }
}
