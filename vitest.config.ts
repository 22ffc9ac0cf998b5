import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites start real servers; two at a time suits the 2-core machines this runs on.
    maxWorkers: 2,
  },
});
