import { defineConfig } from 'vitest/config';

// Timeouts are sized for a loaded 2-core CI machine: a test that passes fails only by hanging, never by being slow.
// A condition a test waits for is polled (test/support/wait.ts), so a generous timeout costs nothing when all is well.
const isolatedHome = './test/support/isolated-home.ts';

export default defineConfig({
  test: {
    // The real Codex CLI runs in the e2e tests; keep files in parallel but not oversubscribed on 2-core machines.
    maxWorkers: 4,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          setupFiles: [isolatedHome],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          // Everything under test/ that is not a child-process test below (a new folder is never left out).
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/cli/**'],
          setupFiles: [isolatedHome],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // Child processes: the real Codex CLI, the bridge daemon, codex-oss. Minutes on a loaded machine.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/cli/**/*.test.ts'],
          setupFiles: [isolatedHome],
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
