/**
 * rules: `.codex/rules/codex-oss.rules` is installed, and the installed Codex, evaluating every rules file of the
 * project (`codex execpolicy check`), forbids `codex exec` from inside Codex while still allowing `git status`.
 */
import path from 'node:path';
import { RULES_FILE_NAME } from '../install/exec-rules.ts';
import { type Check, fail, notChecked, type Outcome, pass } from './check.ts';
import { filesEndingWith } from './config-files.ts';
import type { DoctorContext } from './context.ts';

const RECURSIVE_EXEC = ['codex', 'exec', 'hi'];
const HARMLESS = ['git', 'status'];
const REINSTALL = 'codex-oss install --force (rewrites codex-oss.rules; a backup is made)';

function projectRulesFiles(dir: string): string[] {
  return filesEndingWith(dir, '.rules');
}

/** The sentence under "Caused by:" in Codex's error output, else its "Error:" line. */
export function codexErrorReason(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim());
  const cause = lines.indexOf('Caused by:');
  const reason =
    cause >= 0 ? lines.slice(cause + 1).find(Boolean) : lines.find((line) => line.startsWith('Error'));
  return reason ?? 'no reason given';
}

const rulesFile: Check = {
  id: 'rules-file',
  group: 'rules',
  title: `${RULES_FILE_NAME} installed`,
  run(context) {
    const file = path.join(context.paths.rulesDir, RULES_FILE_NAME);
    return projectRulesFiles(context.paths.rulesDir).includes(file)
      ? pass(file)
      : fail(
          `${file} is missing, so nothing stops an agent from starting another Codex`,
          'codex-oss install',
        );
  },
};

async function decision(context: DoctorContext, codex: string, files: string[], command: string[]) {
  const args = ['execpolicy', 'check', ...files.flatMap((file) => ['--rules', file]), ...command];
  const run = await context.runCodex(codex, args);
  if (run.exitCode !== 0) return { error: codexErrorReason(run.stderr) };
  const parsed = JSON.parse(run.stdout) as { decision?: string };
  return { decision: parsed.decision ?? 'allow (no rule matches)' };
}

async function judgeRules(context: DoctorContext, codex: string, files: string[]): Promise<Outcome> {
  const exec = await decision(context, codex, files, RECURSIVE_EXEC);
  if (exec.error)
    return fail(`Codex cannot load the rules: ${exec.error}`, `fix the rule it names, or ${REINSTALL}`);
  if (exec.decision !== 'forbidden') {
    return fail(`\`${RECURSIVE_EXEC.join(' ')}\` is "${exec.decision}", not forbidden`, REINSTALL);
  }
  const harmless = await decision(context, codex, files, HARMLESS);
  if (harmless.decision === 'forbidden') {
    return fail(
      `the rules also forbid \`${HARMLESS.join(' ')}\``,
      `narrow the prefix_rule that matches \`${HARMLESS.join(' ')}\` in ${context.paths.rulesDir}`,
    );
  }
  return pass(
    `\`${RECURSIVE_EXEC.join(' ')}\` is forbidden, \`${HARMLESS.join(' ')}\` is not (${files.length} rules files)`,
  );
}

const forbidsRecursiveExec: Check = {
  id: 'rules-forbid-exec',
  group: 'rules',
  title: 'Codex forbids recursive exec',
  async run(context) {
    const files = projectRulesFiles(context.paths.rulesDir);
    if (files.length === 0)
      return notChecked(`no rules files in ${context.paths.rulesDir}`, 'codex-oss install');
    const codex = await context.codex();
    if (!codex) return notChecked('the Codex CLI was not found', 'npm install -g @openai/codex');
    return judgeRules(context, codex.path, files);
  },
};

export const RULES_CHECKS: readonly Check[] = [rulesFile, forbidsRecursiveExec];
