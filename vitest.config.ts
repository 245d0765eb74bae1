import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { DEV_VARS } from './scripts/lib/local-secrets.ts';

/**
 * One Vitest run, three kinds of test:
 * - workers: integration tests inside workerd (the real runtime), D1 migrations applied in setup;
 * - unit: plain logic on Node (origin agent, FFmpeg command builder, client SDK, scripts);
 * - e2e: the real stack (wrangler dev, NGINX-RTMP, ffmpeg, Chromium) started by the tests, one file at a time.
 */
const STRIPE_TEST_VARS = {
  STRIPE_WEBHOOK_SECRET: 'whsec_edgelive_tests_only',
  STRIPE_PRICE_PRO: 'price_test_pro',
  STRIPE_PRICE_BUSINESS: 'price_test_business',
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations(new URL('./migrations', import.meta.url).pathname);
  return {
    test: {
      projects: [
        {
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
            name: 'workers',
            include: ['core/**/*.test.ts', 'workers/**/*.test.ts', 'durable-objects/**/*.test.ts'],
            setupFiles: ['./workers/test/apply-migrations.ts'],
            testTimeout: 30_000,
          },
        },
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
  };
});
