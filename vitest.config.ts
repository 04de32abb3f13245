import { defineConfig } from 'vitest/config';

// One Chromium and one database per test worker: keep workers at the core count (2 here, and in CI).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'sandbox',
          root: 'packages/sandbox',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'server',
          root: 'packages/server',
          include: ['test/**/*.test.ts'],
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
