import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end files spawn the built CLI and real servers; two cores, so keep it modest.
    maxWorkers: 2,
    minWorkers: 1,
    // Under CI a skipped test fails the run (see the reporter for why).
    reporters: process.env['CI'] ? ['default', './test/helpers/no-skips-reporter.ts'] : ['default'],
  },
});
