/**
 * What install prints: every file with what happened to it (and its backup), the topology and why, warnings, and
 * the exact commands to run next.
 */
import path from 'node:path';
import type { DirOutcome, FileOutcome } from '../fs/apply-changes.ts';
import { describeCredential, type GptCredential } from '../gpt-credential.ts';
import { PROFILE_NAME } from '../project.ts';
import type { AuthChoice } from './auth-choice.ts';
import type { AuthMode, Topology } from './options.ts';
import { BRIDGE_TOKEN_ENV } from './provider-table.ts';
import type { TopologyChoice } from './topology.ts';

export interface InstallReport {
  projectRoot: string;
  choice: TopologyChoice;
  files: readonly FileOutcome[];
  dirs: readonly DirOutcome[];
  warnings: readonly string[];
  notes: readonly string[];
  port: number;
  auth: AuthChoice;
  /** Router only: what GPT requests of the main session travel with. */
  gptCredential: GptCredential | undefined;
  /** Where the bridge keeps its local key (for the export line of env auth). */
  tokenFile: string;
}

/** Project files relative to the project, others absolute. */
function shown(file: string, root: string): string {
  const relative = path.relative(root, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function fileLine(outcome: FileOutcome, root: string): string {
  const extras = [outcome.backup ? `backup: ${shown(outcome.backup, root)}` : undefined, outcome.note].filter(
    Boolean,
  );
  const suffix = extras.length > 0 ? `  (${extras.join('; ')})` : '';
  return `  ${outcome.status.padEnd(9)} ${shown(outcome.path, root)}${suffix}`;
}

/** How the shell that runs Codex gets the bridge key when Codex reads it from the environment (`env` auth only). */
function tokenStep(auth: AuthMode, tokenFile: string, root: string): string[] {
  if (auth !== 'env') return [];
  return [
    `     then, in every shell that runs Codex (the bridge writes its key on first start):`,
    `       export ${BRIDGE_TOKEN_ENV}="$(cat ${shown(tokenFile, root)})"`,
  ];
}

export interface NextStepsContext {
  topology: Topology;
  port: number;
  auth: AuthMode;
  gptCredential: GptCredential | undefined;
  tokenFile: string;
  projectRoot: string;
}

function gptCredentialLine(credential: GptCredential | undefined): string {
  if (!credential) return '';
  if (credential.kind === 'none') return ' (GPT requests have no credential yet: see the ! line above)';
  return ` (GPT requests pass through to OpenAI with ${describeCredential(credential)})`;
}

export function nextSteps(context: NextStepsContext): string[] {
  const { topology, port, auth } = context;
  const portFlag = port === 4000 ? '' : ` --port ${port}`;
  const token = tokenStep(auth, context.tokenFile, context.projectRoot);
  switch (topology) {
    case 'router':
      return [
        `  1. Start the bridge${gptCredentialLine(context.gptCredential)}:`,
        `       codex-oss start --detach --mode openai${portFlag}`,
        ...token,
        `  2. Run Codex through the bridge (your plain \`codex\` stays as it was):`,
        `       codex --profile ${PROFILE_NAME}`,
        `     or with an OSS model as the main model:  codex --profile ${PROFILE_NAME} -m ocg-deepseek-v4-pro`,
        '  3. Check the whole setup:  codex-oss doctor',
      ];
    case 'subagent-provider':
      return [
        '  1. Start the bridge:',
        `       codex-oss start --detach${portFlag}`,
        ...token,
        '  2. Run Codex as usual; the OSS agents use the opencode_bridge provider:',
        '       codex',
        '  3. Check the whole setup:  codex-oss doctor',
      ];
    default: {
      const unknown: never = topology;
      throw new Error(`unknown topology ${String(unknown)}`);
    }
  }
}

export function formatInstallReport(report: InstallReport): string {
  const { projectRoot: root } = report;
  const changed = report.files.filter(
    (file) => file.status === 'created' || file.status === 'updated',
  ).length;
  const lines = [
    `codex-oss install: ${root}`,
    '',
    `Topology: ${report.choice.topology} — ${report.choice.reason}.`,
    `Auth: ${report.auth.auth} — ${report.auth.reason}.`,
    ...(report.gptCredential && report.gptCredential.kind !== 'none'
      ? [`GPT requests: ${describeCredential(report.gptCredential)}.`]
      : []),
    '',
    changed === 0 ? 'Files (nothing to change):' : 'Files:',
    ...report.files.map((file) => fileLine(file, root)),
    ...report.dirs
      .filter((dir) => dir.status === 'created')
      .map((dir) => `  created   ${shown(dir.path, root)}/ (0700)`),
  ];
  if (report.notes.length > 0) lines.push('', ...report.notes.map((note) => `- ${note}`));
  if (report.warnings.length > 0) lines.push('', ...report.warnings.map((warning) => `! ${warning}`));
  const steps = nextSteps({ ...report, auth: report.auth.auth, topology: report.choice.topology });
  lines.push('', 'Next steps:', ...steps, '');
  return lines.join('\n');
}
