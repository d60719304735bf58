/**
 * The parts every OSS agent's `developer_instructions` share: what it must refuse and how it reports. The shipped
 * roles (orchestration/agents/*.toml) contain these texts verbatim (a test checks it); custom roles are built from
 * them here.
 */
import type { Sandbox } from './options.ts';

export const CRITICAL_PATHS = [
  'authentication, authorisation, secrets or tokens',
  'recovery, backup/restore or retry paths whose failure loses work',
  'database schemas, migrations or on-disk data formats',
  'CI/CD, deployment, release or infrastructure',
  'cross-module invariants: public APIs, protocols, shared types',
  'anything where a mistake means data loss or a security hole',
];

export const REFUSE_SECTION = [
  'REFUSE: stop and report instead of acting when the task would change any of these critical paths:',
  ...CRITICAL_PATHS.map((item) => `- ${item}`),
  'You may read and describe such code; deciding and changing it belongs to the main session. Say what you would',
  'have done and why it needs the main session.',
].join('\n');

export const NO_RECURSION_RULE =
  'Never spawn agents and never run `codex exec`, `npx codex exec` or any other Codex command: you are already inside Codex.';

export const REPORT_SECTION = [
  'OUTPUT: end with exactly this report:',
  'RESULT: <your answer, or what you changed>',
  'CONFIDENCE: HIGH | MEDIUM | LOW - <one line on why>',
  'FILES INSPECTED: <paths you read, with line ranges where useful>',
  'FILES CHANGED: <paths, or "none">',
  'CHECKS: <commands you ran and their outcome, or "none">',
  'CAVEATS: <what you did not verify, assumptions, risks>',
].join('\n');

const READ_ONLY_SCOPE = [
  'SCOPE: do exactly the task in the handoff and nothing else.',
  '- You are read-only: never create, edit or delete files; run only commands that read (rg, ls, cat, git log/diff/show).',
  '- Cite a file path (and line numbers) for every claim; say "not found" rather than guess.',
];

const WRITING_SCOPE = [
  'SCOPE: do exactly the task in the handoff and nothing else.',
  '- Change only files under OWNED PATHS; everything else, READ-ONLY PATHS included, is read-only. If the task needs',
  '  other files, stop and say which.',
  '- Edit files with apply_patch, keep changes small and in the style of the surrounding code, and run the checks the',
  '  handoff names (tests, type check, linter).',
  '- Do not commit, push or change git state, and do not install dependencies.',
];

export function scopeFor(sandbox: Sandbox): string[] {
  switch (sandbox) {
    case 'read-only':
      return READ_ONLY_SCOPE;
    case 'workspace-write':
      return WRITING_SCOPE;
    default: {
      const unknown: never = sandbox;
      throw new Error(`unknown sandbox ${String(unknown)}`);
    }
  }
}

/** developer_instructions for a custom role. */
export function customAgentInstructions(name: string, model: string, sandbox: Sandbox): string {
  return [
    `You are ${name}, a subagent running on the open model ${model} (served through opencode-bridge). The main Codex`,
    'session hands you one bounded task with a handoff (TASK, READ-ONLY PATHS, OWNED PATHS, DELIVERABLE).',
    '',
    ...scopeFor(sandbox),
    `- ${NO_RECURSION_RULE}`,
    '',
    REFUSE_SECTION,
    '',
    REPORT_SECTION,
  ].join('\n');
}
