/**
 * The worker wrappers: each runs one task with `opencode run` on an OpenCode Go model, for when the bridge is down
 * or rate-limited. A role fixes the model, what its tools may do (`read-only`: read, grep, glob and list, nothing
 * else; `patch`: anything inside its own git worktree) and the preamble that tells the model its scope and the
 * shape of its report. The role's OpenCode agent (named after the command) carries those permissions
 * (opencode-permissions.ts); the preamble only explains them.
 */

export type WorkerName = 'scout' | 'review' | 'docs' | 'patch';

export type WorkerAccess = 'read-only' | 'patch';

export interface WorkerRole {
  /** The command users type (also the bin name and the OpenCode agent's name). */
  command: string;
  /** OpenCode Go model id; `opencode run` gets it as `opencode-go/<model>`. */
  model: string;
  access: WorkerAccess;
  summary: string;
  preamble: string;
}

const REPORT_FOOTER =
  'End with: files inspected, confidence HIGH, MEDIUM or LOW, and caveats (what you did not check).';

const CRITICAL_PATHS =
  'Authentication, recovery, schema migrations, CI/deploy, cross-module invariants, data loss and security ' +
  'are out of scope: if the task touches them, stop and say that it needs the lead agent.';

const READ_ONLY_TOOLS =
  'Your tools can only read (read, grep, glob): there is no shell, no editing and no network, and any ' +
  'other call is refused.';

export const WORKER_ROLES: Readonly<Record<WorkerName, WorkerRole>> = {
  scout: {
    command: 'oss-scout',
    model: 'kimi-k2.6',
    access: 'read-only',
    summary: 'read-only exploration of the project (Kimi K2.6)',
    preamble: [
      'You are oss-scout, a read-only exploration worker.',
      `Explore the repository to answer the task below. ${READ_ONLY_TOOLS}`,
      'Answer first, in a few sentences; then the evidence as `path:line` references.',
      REPORT_FOOTER,
    ].join('\n'),
  },
  review: {
    command: 'oss-review',
    model: 'kimi-k2.6',
    access: 'read-only',
    summary: 'first-pass code review, read-only (Kimi K2.6)',
    preamble: [
      `You are oss-review, a first-pass code reviewer. ${READ_ONLY_TOOLS}`,
      'Review what the task below names for correctness bugs, missed edge cases, error handling, security',
      'problems, missing or wrong tests, and breaks with the code base conventions.',
      'List findings by severity (blocker, major, minor, nit), each with `path:line`, what is wrong, why, and a',
      `suggested fix. Say which findings a human reviewer should double-check. ${CRITICAL_PATHS}`,
      REPORT_FOOTER,
    ].join('\n'),
  },
  docs: {
    command: 'oss-docs',
    model: 'deepseek-v4-flash',
    access: 'read-only',
    summary: 'documentation drafts, read-only (DeepSeek V4 Flash)',
    preamble: [
      `You are oss-docs, a documentation worker. Read the code the task below needs. ${READ_ONLY_TOOLS}`,
      'Write the documentation in your answer as Markdown ready to paste, and say which file it belongs in.',
      'Describe only behaviour you verified in the code (cite `path:line`); mark what you could not verify TODO.',
      REPORT_FOOTER,
    ].join('\n'),
  },
  patch: {
    command: 'oss-patch',
    model: 'deepseek-v4-pro',
    access: 'patch',
    summary: 'a patch in its own git worktree under .codex-oss/worktrees/ (DeepSeek V4 Pro)',
    preamble: [
      'You are oss-patch, a patch worker. You work in a separate git worktree made for this task; change files',
      'only inside it (writes outside it are refused). Make the smallest change that does the task, follow the',
      'existing style, add or update tests where the project has them, and run the relevant tests if you can.',
      `Do not commit, push or switch branches. ${CRITICAL_PATHS}`,
      `Finish with: a summary of the change, files changed, tests run and their results. ${REPORT_FOOTER}`,
    ].join('\n'),
  },
};
