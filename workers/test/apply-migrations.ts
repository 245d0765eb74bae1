import { applyD1Migrations, env } from 'cloudflare:test';

declare global {
  namespace Cloudflare {
    interface Env {
      /** Test-only binding from vitest.config.ts: the SQL files of migrations/. */
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    }
  }
}

// Idempotent: applies only what this test file's isolated D1 has not seen.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
