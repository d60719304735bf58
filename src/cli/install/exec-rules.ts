/**
 * `.codex/rules/codex-oss.rules`: Codex exec-policy rules that forbid running Codex from inside Codex. Codex 0.169
 * loads every `*.rules` file in a trusted project's `.codex/rules/` (and in `$CODEX_HOME/rules/`), so this file
 * sits beside the user's own `default.rules` instead of editing it. Each rule carries `match`/`not_match`
 * examples, which Codex checks when it loads the file.
 */

export const RULES_FILE_NAME = 'codex-oss.rules';

const EXEC = ['exec', 'e'];

interface ForbiddenPrefix {
  pattern: Array<string | string[]>;
  justification: string;
  match: string[][];
  notMatch?: string[][];
}

const JUSTIFICATION =
  'codex-oss: no recursive Codex. Delegate with spawn_agent to an OSS agent (see AGENTS.md) instead of starting another Codex.';

export const FORBIDDEN_PREFIXES: readonly ForbiddenPrefix[] = [
  {
    pattern: ['codex', EXEC],
    justification: JUSTIFICATION,
    match: [
      ['codex', 'exec', 'fix the tests'],
      ['codex', 'e', '--json', 'hi'],
    ],
    notMatch: [
      ['codex', '--version'],
      ['codex', 'execpolicy', 'check'],
      ['codex-oss', 'status'],
    ],
  },
  {
    pattern: ['codex', ['-p', '--profile'], 'codex-oss', EXEC],
    justification: JUSTIFICATION,
    match: [['codex', '--profile', 'codex-oss', 'exec', 'hi']],
    notMatch: [['codex', '--profile', 'codex-oss', '--version']],
  },
  {
    pattern: ['npx', ['codex', '@openai/codex', '@openai/codex@latest'], EXEC],
    justification: JUSTIFICATION,
    match: [
      ['npx', 'codex', 'exec', 'hi'],
      ['npx', '@openai/codex', 'e', 'hi'],
    ],
    notMatch: [['npx', 'codex-oss', 'status']],
  },
  {
    pattern: ['npx', ['-y', '--yes'], ['codex', '@openai/codex', '@openai/codex@latest'], EXEC],
    justification: JUSTIFICATION,
    match: [['npx', '-y', '@openai/codex', 'exec', 'hi']],
  },
  {
    pattern: [['node_modules/.bin/codex', './node_modules/.bin/codex'], EXEC],
    justification: JUSTIFICATION,
    match: [['./node_modules/.bin/codex', 'exec', 'hi']],
  },
];

function starlark(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(starlark).join(', ')}]`;
  return JSON.stringify(value); // Starlark string literals accept JSON's escapes
}

function renderRule(rule: ForbiddenPrefix): string {
  const lines = [
    'prefix_rule(',
    `    pattern = ${starlark(rule.pattern)},`,
    '    decision = "forbidden",',
    `    justification = ${starlark(rule.justification)},`,
    `    match = ${starlark(rule.match)},`,
  ];
  if (rule.notMatch) lines.push(`    not_match = ${starlark(rule.notMatch)},`);
  lines.push(')');
  return lines.join('\n');
}

export function execRulesFile(): string {
  return [
    '# Managed by `codex-oss install` (rewritten with --force; your own rules belong in default.rules).',
    '# Codex exec-policy rules: agents in this project must not start Codex from inside Codex.',
    '# Check a command with: codex execpolicy check --rules .codex/rules/codex-oss.rules codex exec hi',
    '',
    FORBIDDEN_PREFIXES.map(renderRule).join('\n\n'),
    '',
  ].join('\n');
}
