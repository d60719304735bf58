import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The real Codex CLI runs in the e2e tests; keep files in parallel but not oversubscribed on 2-core machines.
    maxWorkers: 4,
  },
});
