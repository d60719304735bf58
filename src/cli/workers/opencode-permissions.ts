/**
 * What a worker's tools may do, as OpenCode permission rules (OpenCode 1.18: `allow`, `ask` or `deny` per tool,
 * optionally per pattern; the LAST matching rule wins; a tool whose last rule is a plain `deny` is not even
 * offered to the model). `opencode run` has no one to ask, so it rejects every `ask` and ends the session:
 * these rules never leave a decision to `ask` (docs/opencode-cli.md#agents-and-permissions).
 *
 * Read-only workers get an allow-list: every tool is denied (`*` first), then read, grep, glob and list are
 * allowed; MCP tools and tools OpenCode adds later are denied too. The shell is denied as a whole — a command
 * allow-list cannot stop `echo x >> file` or `git diff --output=file`. The patch worker may do what OpenCode (and the
 * user's own rules) allow, except leave its worktree (`external_directory`), use the network, or hand the task to a
 * subagent (whose permissions would not be these). Both never read `.env` files (OpenCode asks for those).
 */
import type { WorkerAccess } from './worker-roles.ts';

export type PermissionAction = 'allow' | 'deny';
export type PermissionRules = Readonly<
  Record<string, PermissionAction | Readonly<Record<string, PermissionAction>>>
>;

/** OpenCode's own default for reads, with `ask` turned into `deny`: `.env` files hold secrets. */
const READ_EXCEPT_SECRETS = {
  '*': 'allow',
  '*.env': 'deny',
  '*.env.*': 'deny',
  '*.env.example': 'allow',
} as const;

/** Tools that read and nothing else (OpenCode 1.18 offers read, grep and glob; list is kept for older versions). */
export const READ_ONLY_TOOLS: readonly string[] = ['read', 'grep', 'glob', 'list'];

/**
 * Named one by one although `*` already denies them: the user's or the project's `permission` table is merged with
 * ours key by key, and a key they set before our `*` would otherwise come after it and win.
 */
const DENIED_BY_NAME = [
  'bash',
  'edit',
  'write',
  'patch',
  'apply_patch',
  'multiedit',
  'task',
  'webfetch',
  'websearch',
  'codesearch',
  'skill',
  'lsp',
  'todowrite',
  'question',
  'external_directory',
  'doom_loop',
] as const;

const deniedByName = Object.fromEntries(DENIED_BY_NAME.map((tool) => [tool, 'deny' as const]));

export const READ_ONLY_PERMISSION: PermissionRules = {
  '*': 'deny',
  ...deniedByName,
  read: READ_EXCEPT_SECRETS,
  grep: 'allow',
  glob: 'allow',
  list: 'allow',
};

/**
 * No `*` here: what is not named keeps OpenCode's default (allow) or the user's own rules, which may be stricter.
 */
export const PATCH_PERMISSION: PermissionRules = {
  read: { '*.env': 'deny', '*.env.*': 'deny', '*.env.example': 'allow' },
  external_directory: 'deny',
  webfetch: 'deny',
  websearch: 'deny',
  codesearch: 'deny',
  task: 'deny',
  question: 'deny',
  // OpenCode asks before the third identical call in a row; denied, the model is told to change course.
  doom_loop: 'deny',
};

export function permissionFor(access: WorkerAccess): PermissionRules {
  switch (access) {
    case 'read-only':
      return READ_ONLY_PERMISSION;
    case 'patch':
      return PATCH_PERMISSION;
    default: {
      const unknown: never = access;
      throw new Error(`unknown worker access ${String(unknown)}`);
    }
  }
}

/** The action OpenCode takes for a call to `tool` on `pattern` under `rules` (last match wins, `*` and `?` globs). */
export function decide(rules: PermissionRules, tool: string, pattern = '*'): PermissionAction | undefined {
  let decision: PermissionAction | undefined;
  for (const [name, rule] of Object.entries(rules)) {
    if (!globMatches(name, tool)) continue;
    if (typeof rule === 'string') {
      decision = rule;
      continue;
    }
    for (const [glob, action] of Object.entries(rule)) if (globMatches(glob, pattern)) decision = action;
  }
  return decision;
}

function globMatches(glob: string, text: string): boolean {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${pattern}$`, 's').test(text);
}
