// A suite whose worker dies mid-test, run by test/unit/run-suite.test.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { root: import.meta.dirname, include: ['*.fixture.ts'] },
});
