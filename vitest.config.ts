import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { DEV_VARS } from './scripts/lib/local-secrets.ts';

/**
 * One Vitest run, three kinds of test:
 * - workers (and workers-isolated): integration tests inside workerd (the real runtime), D1 migrations applied in setup;
 * - unit: plain logic on Node (origin agent, FFmpeg command builder, client SDK, scripts);
 * - e2e: the real stack (wrangler dev, NGINX-RTMP, ffmpeg, Chromium) started by the tests, one file at a time.
 */
const STRIPE_TEST_VARS = {
  STRIPE_WEBHOOK_SECRET: 'whsec_edgelive_tests_only',
  STRIPE_PRICE_PRO: 'price_test_pro',
  STRIPE_PRICE_BUSINESS: 'price_test_business',
};

const migrations = await readD1Migrations(new URL('./migrations', import.meta.url).pathname);

const WORKERS_TESTS = ['core/**/*.test.ts', 'workers/**/*.test.ts', 'durable-objects/**/*.test.ts'];

/**
 * workerd files that need a runtime of their own. The other workerd files share one runtime per
 * Vitest worker (`isolate: false`): each file then skips starting workerd and loading the Worker's
 * modules again, which was two thirds of the project's time, and shared storage is harmless because
 * every file makes its own accounts, apps and rooms. These files touch state that is platform-wide,
 * so another file would see their changes or they would see another file's:
 */
const ISOLATED_WORKERS_TESTS = [
  // the origin fleet's heartbeats: these age or stop an origin, which moves every file's streams on it
  'workers/routes/status.routes.test.ts',
  'workers/routes/admin-platform.routes.test.ts',
  'workers/routes/origins-fleet.test.ts',
  'durable-objects/stream/origin-down.test.ts',
  // the operator accounts OPERATOR_EMAILS names, and lists across every org
  'workers/routes/admin.routes.test.ts',
  // the one queue of media jobs that origins lease from
  'workers/routes/tus.routes.test.ts',
  'workers/routes/media-jobs.routes.test.ts',
  'workers/routes/asset-ingest.routes.test.ts',
  // the Cron Trigger, which sweeps every app
  'workers/services/media-purge.test.ts',
  'core/events.test.ts',
  // evictDurableObject does not return in a shared runtime while other files hold sockets
  'durable-objects/room/room-resume.test.ts',
];

/** The workerd integration tests: the real runtime, the wrangler config, D1 migrations applied in setup. */
function workersProject(name: string, files: { include: string[]; exclude?: string[]; isolate: boolean }) {
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.jsonc' },
        // wrangler.jsonc has no secrets: the tests run on the local development values.
        // Stripe's webhook secret and prices only for the billing tests' signed events (no Stripe here);
        // OPERATOR_EMAILS: the platform operators of workers/routes/admin.routes.test.ts.
        miniflare: {
          bindings: {
            ...DEV_VARS,
            ...STRIPE_TEST_VARS,
            OPERATOR_EMAILS: 'operator-admin@example.com,operator-no2fa@example.com',
            TEST_MIGRATIONS: migrations,
          },
        },
      }),
    ],
    test: {
      name,
      ...files,
      setupFiles: ['./workers/test/apply-migrations.ts'],
      testTimeout: 30_000,
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      workersProject('workers', { include: WORKERS_TESTS, exclude: ISOLATED_WORKERS_TESTS, isolate: false }),
      workersProject('workers-isolated', { include: ISOLATED_WORKERS_TESTS, isolate: true }),
      {
        // The console's tests import the workspace's @edgelive/client from its sources (its
        // published exports name dist/, which only its build writes).
        resolve: { conditions: ['edgelive-source', ...defaultClientConditions] },
        ssr: { resolve: { conditions: ['edgelive-source', ...defaultServerConditions] } },
        test: {
          name: 'unit',
          include: [
            'origin/**/*.test.ts',
            'packages/**/*.test.ts',
            'scripts/**/*.test.ts',
            'dashboard/src/**/*.test.{ts,tsx}',
          ],
          exclude: ['**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
