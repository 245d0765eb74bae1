import { applyD1Migrations, env } from 'cloudflare:test';

declare module 'cloudflare:test' {
  interface ProvidedEnv {
    TEST_MIGRATIONS: D1Migration[];
  }
}

// Idempotent: applies only what this test file's isolated D1 has not seen.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
