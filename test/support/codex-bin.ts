/**
 * The Codex CLI the end-to-end tests run: the pinned `@openai/codex` devDependency, or the binary named by
 * `CODEX_TEST_BIN` (`npm run test:codex-latest` points it at the newest Codex on npm, installed outside
 * node_modules by scripts/test-codex-latest.ts).
 */
import path from 'node:path';

export const CODEX_BIN =
  process.env.CODEX_TEST_BIN || path.join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'codex');
