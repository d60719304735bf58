/**
 * Secrets the bridge generates for itself, kept in the state directory and readable only by the user (0600):
 * the local API token Codex presents when no PROXY_API_KEY is configured, and the key that seals replayed reasoning.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REASONING_KEY_BYTES } from '../translate/reasoning-carrier.ts';

export const LOCAL_TOKEN_FILE = 'bridge-token';
export const REASONING_KEY_FILE = 'reasoning.key';

/**
 * The state directory: created 0700 (an existing one is tightened), with a `.gitignore` so a project-local state
 * directory (tokens, keys, conversation reasoning) is never committed by accident.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  try {
    writeFileSync(
      path.join(dir, '.gitignore'),
      '# opencode-bridge state: secrets and conversation data\n*\n',
      { flag: 'wx' },
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Reads a secret file, creating it atomically (exclusive create, 0600) on first use; tightens loose permissions. */
function readOrCreate(file: string, create: () => string): { value: string; created: boolean } {
  ensurePrivateDir(path.dirname(file));
  try {
    writeFileSync(file, create(), { mode: 0o600, flag: 'wx' });
    return { value: readFileSync(file, 'utf8').trim(), created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return { value: readFileSync(file, 'utf8').trim(), created: false };
}

export function loadOrCreateLocalToken(stateDir: string): { token: string; file: string; created: boolean } {
  const file = path.join(stateDir, LOCAL_TOKEN_FILE);
  const { value, created } = readOrCreate(file, () => `ocb_${randomBytes(32).toString('base64url')}\n`);
  return { token: value, file, created };
}

export function loadOrCreateReasoningKey(stateDir: string): Buffer {
  const file = path.join(stateDir, REASONING_KEY_FILE);
  const { value } = readOrCreate(file, () => `${randomBytes(REASONING_KEY_BYTES).toString('hex')}\n`);
  const key = Buffer.from(value, 'hex');
  if (key.length !== REASONING_KEY_BYTES) {
    throw new Error(
      `${file} is corrupt (expected ${REASONING_KEY_BYTES * 2} hex characters); delete it to make a new key`,
    );
  }
  return key;
}
