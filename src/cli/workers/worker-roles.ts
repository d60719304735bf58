/**
 * The worker wrappers: each runs one task with `opencode run` on an OpenCode Go model, for when the bridge is down
 * or rate-limited. A role fixes the model, the OpenCode agent (`plan` denies file edits; `build` may edit) and
 * the preamble that tells the model its scope and the shape of its report.
 */

export type WorkerName = 'scout' | 'review' | 'docs' | 'patch';

export interface WorkerRole {
  /** The command users type (also the bin name). */
  command: string;
  /** OpenCode Go model id; `opencode run` gets it as `opencode-go/<model>`. */
  model: string;
  agent: 'plan' | 'build';
  /** Runs in a fresh git worktree under .codex-oss/worktrees/ instead of the project itself. */
  worktree: boolean;
  summary: string;
  preamble: string;
}

const REPORT_FOOTER =
  'End with: files inspected, confidence HIGH, MEDIUM or LOW, and caveats (what you did not check).';

const CRITICAL_PATHS =
  'Authentication, recovery, schema migrations, CI/deploy, cross-module invariants, data loss and security ' +
  'are out of scope: if the task touches them, stop and say that it needs the lead agent.';

export const WORKER_ROLES: Readonly<Record<WorkerName, WorkerRole>> = {
  scout: {
    command: 'oss-scout',
    model: 'kimi-k2.6',
    agent: 'plan',
    worktree: false,
    summary: 'read-only exploration of the project (Kimi K2.6)',
    preamble: [
      'You are oss-scout, a read-only exploration worker.',
      'Explore the repository to answer the task below. Do not create, modify or delete files, and do not run',
      'commands that change anything (no installs, no git commits, no network writes).',
      'Answer first, in a few sentences; then the evidence as `path:line` references.',
      REPORT_FOOTER,
    ].join('\n'),
  },
  review: {
    command: 'oss-review',
    model: 'kimi-k2.6',
    agent: 'plan',
    worktree: false,
    summary: 'first-pass code review, read-only (Kimi K2.6)',
    preamble: [
      'You are oss-review, a first-pass code reviewer. You only read: do not modify files.',
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
    agent: 'plan',
    worktree: false,
    summary: 'documentation drafts, read-only (DeepSeek V4 Flash)',
    preamble: [
      'You are oss-docs, a documentation worker. Read the code the task below needs; do not modify files.',
      'Write the documentation in your answer as Markdown ready to paste, and say which file it belongs in.',
      'Describe only behaviour you verified in the code (cite `path:line`); mark what you could not verify TODO.',
      REPORT_FOOTER,
    ].join('\n'),
  },
  patch: {
    command: 'oss-patch',
    model: 'deepseek-v4-pro',
    agent: 'build',
    worktree: true,
    summary: 'a patch in its own git worktree under .codex-oss/worktrees/ (DeepSeek V4 Pro)',
    preamble: [
      'You are oss-patch, a patch worker. You work in a separate git worktree made for this task; change files',
      'only inside it. Make the smallest change that does the task, follow the existing style, add or update',
      'tests where the project has them, and run the relevant tests if you can.',
      `Do not commit, push or switch branches. ${CRITICAL_PATHS}`,
      `Finish with: a summary of the change, files changed, tests run and their results. ${REPORT_FOOTER}`,
    ].join('\n'),
  },
};
