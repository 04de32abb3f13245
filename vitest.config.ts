import { defineConfig } from 'vitest/config';

// With DATABASE_URL (the second run in CI, beside the PGlite one) the suite leaves out what would only run
// again unchanged: the sandbox package's tests (they use no database) and the dashboard's Chromium tests
// (page behaviour; every server route they call is tested against Postgres by the API tests). CI's 30
// minutes on 2 cores do not hold both runs of them. TRIBUTARY_TEST_ALL=1 runs them on Postgres too.
const onPostgresOnly = Boolean(process.env.DATABASE_URL) && process.env.TRIBUTARY_TEST_ALL !== '1';

// One Chromium and one database per test worker: keep workers at the core count (2 here, and in CI).
export default defineConfig({
  test: {
    projects: [
      ...(onPostgresOnly
        ? []
        : [
            {
              test: {
                name: 'sandbox',
                root: 'packages/sandbox',
                include: ['test/**/*.test.ts'],
                testTimeout: 60_000,
                hookTimeout: 120_000,
              },
            },
          ]),
      {
        test: {
          name: 'server',
          root: 'packages/server',
          include: ['test/**/*.test.ts'],
          exclude: onPostgresOnly ? ['test/web/**'] : [],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          isolate: false,
          fileParallelism: true,
        },
      },
    ],
    maxWorkers: 2,
  },
});
