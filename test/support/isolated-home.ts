/**
 * Every test file gets a throwaway HOME, so nothing a test starts (the real Codex CLI, git, codex-oss) can read or
 * write the developer's own ~/.codex, ~/.config or git identity. A test that needs its own CODEX_HOME still sets it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const home = mkdtempSync(path.join(tmpdir(), 'opencode-bridge-test-home-'));
process.env.HOME = home;
process.env.XDG_CONFIG_HOME = path.join(home, '.config');
process.env.XDG_DATA_HOME = path.join(home, '.local', 'share');
process.env.XDG_CACHE_HOME = path.join(home, '.cache');
process.env.XDG_STATE_HOME = path.join(home, '.local', 'state');
delete process.env.CODEX_HOME;

afterAll(() => rmSync(home, { recursive: true, force: true }));
