/**
 * What install prints: every file with what happened to it (and its backup), the topology and why, warnings, and
 * the exact commands to run next.
 */
import path from 'node:path';
import type { DirOutcome, FileOutcome } from '../fs/apply-changes.ts';
import { PROFILE_NAME } from '../project.ts';
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
  auth: AuthMode;
  /** Where the bridge keeps its local key (for the export line of env/codex auth). */
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

/** How the shell that runs Codex gets the bridge key when Codex reads it from the environment. */
function tokenStep(auth: AuthMode, tokenFile: string, root: string): string[] {
  if (auth === 'command') return [];
  return [
    `     then, in the shell that runs Codex (the bridge writes its key on first start):`,
    `       export ${BRIDGE_TOKEN_ENV}="$(cat ${shown(tokenFile, root)})"`,
  ];
}

export interface NextStepsContext {
  topology: Topology;
  port: number;
  auth: AuthMode;
  tokenFile: string;
  projectRoot: string;
}

export function nextSteps(context: NextStepsContext): string[] {
  const { topology, port, auth } = context;
  const portFlag = port === 4000 ? '' : ` --port ${port}`;
  const token = tokenStep(auth, context.tokenFile, context.projectRoot);
  switch (topology) {
    case 'router': {
      const gptAuth = auth === 'codex' ? 'with your Codex sign-in' : 'with OPENAI_API_KEY';
      return [
        `  1. Start the bridge (GPT requests of the main session pass through to OpenAI ${gptAuth}):`,
        `       npx codex-oss start --mode openai${portFlag}`,
        ...token,
        `  2. Run Codex through the bridge (your plain \`codex\` stays as it was):`,
        `       codex --profile ${PROFILE_NAME}`,
        `     or with an OSS model as the main model:  codex --profile ${PROFILE_NAME} -m ocg-deepseek-v4-pro`,
        '  3. Check the whole setup:  npx codex-oss doctor',
      ];
    }
    case 'subagent-provider':
      return [
        '  1. Start the bridge:',
        `       npx codex-oss start${portFlag}`,
        ...token,
        '  2. Run Codex as usual; the OSS agents use the opencode_bridge provider:',
        '       codex',
        '  3. Check the whole setup:  npx codex-oss doctor',
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
    '',
    changed === 0 ? 'Files (nothing to change):' : 'Files:',
    ...report.files.map((file) => fileLine(file, root)),
    ...report.dirs
      .filter((dir) => dir.status === 'created')
      .map((dir) => `  created   ${shown(dir.path, root)}/ (0700)`),
  ];
  if (report.notes.length > 0) lines.push('', ...report.notes.map((note) => `- ${note}`));
  if (report.warnings.length > 0) lines.push('', ...report.warnings.map((warning) => `! ${warning}`));
  const steps = nextSteps({ ...report, topology: report.choice.topology });
  lines.push('', 'Next steps:', ...steps, '');
  return lines.join('\n');
}
