// Two test projects: fast (unit and property tests, seconds) and slow (scenarios, theory, fuzz, end-to-end, the baseline).
import { defineConfig } from 'vitest/config';

const SLOW = ['src/**/*.slow.test.ts', 'src/**/*.theory.test.ts', 'src/**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'fast', include: ['src/**/*.test.{ts,tsx}'], exclude: SLOW } },
      // seconds each, longer on a loaded machine: the default 5 s timeout is too tight
      { test: { name: 'slow', include: SLOW, testTimeout: 30_000 } },
    ],
  },
});
