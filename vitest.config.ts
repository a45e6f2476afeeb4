import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Prints one line naming any missing ZooKeeper/Java/Curator/kazoo (under CI: fails the run).
    globalSetup: ['test/prerequisites-report.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
