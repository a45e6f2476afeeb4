import { defineConfig } from 'vitest/config';

// Long fuzz runs, outside the test gate (`pnpm fuzz:server`).
export default defineConfig({
  test: {
    include: ['test/**/*.fuzz.ts'],
    testTimeout: 3_600_000,
  },
});
