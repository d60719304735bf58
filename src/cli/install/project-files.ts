/**
 * Small project files install owns a part of: the `.gitignore` block for codex-oss's runtime files, and the key
 * file `.codex-oss/env/opencode-go.env`, where only the OPENCODE_GO_API_KEY line is ours.
 */

export const GITIGNORE_BLOCK = [
  '# codex-oss runtime files (bridge state and token, logs, pid file, key file, generated catalog, oss-patch',
  '# worktrees) and backups',
  '/.codex-oss/state/',
  '/.codex-oss/logs/',
  '/.codex-oss/run/',
  '/.codex-oss/env/',
  '/.codex-oss/codex/',
  '/.codex-oss/worktrees/',
  '*.codex-oss-backup-*',
].join('\n');

export const OPENCODE_KEY_ENV = 'OPENCODE_GO_API_KEY';

/** The key file's text with our variable set to `key`; other lines as they were. */
export function withOpencodeKey(existing: string | undefined, key: string): string {
  if (/[\r\n]/.test(key))
    throw new Error(`${OPENCODE_KEY_ENV} contains a line break; set it to the bare key`);
  const line = `${OPENCODE_KEY_ENV}=${key}`;
  if (existing === undefined || existing.trim() === '') {
    return `# OpenCode Go API key for opencode-bridge (written by codex-oss install; keep this file private)\n${line}\n`;
  }
  const lines = existing.replace(/\n$/, '').split('\n');
  const index = lines.findIndex((candidate) => candidate.startsWith(`${OPENCODE_KEY_ENV}=`));
  if (index >= 0) lines[index] = line;
  else lines.push(line);
  return `${lines.join('\n')}\n`;
}
