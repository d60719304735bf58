/**
 * What install prints: every file with what happened to it (and its backup), the topology and why, warnings, and
 * the exact commands to run next.
 */
import path from 'node:path';
import type { DirOutcome, FileOutcome } from '../fs/apply-changes.ts';
import { PROFILE_NAME } from '../project.ts';
import type { Topology } from './options.ts';
import type { TopologyChoice } from './topology.ts';

export interface InstallReport {
  projectRoot: string;
  choice: TopologyChoice;
  files: readonly FileOutcome[];
  dirs: readonly DirOutcome[];
  warnings: readonly string[];
  notes: readonly string[];
  port: number;
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

export function nextSteps(topology: Topology, port: number): string[] {
  const portFlag = port === 4000 ? '' : ` --port ${port}`;
  switch (topology) {
    case 'router':
      return [
        `  1. Start the bridge (GPT requests of the main session pass through to OpenAI; needs OPENAI_API_KEY):`,
        `       npx codex-oss start --mode openai${portFlag}`,
        `  2. Run Codex through the bridge (your plain \`codex\` stays as it was):`,
        `       codex --profile ${PROFILE_NAME}`,
        `     or with an OSS model as the main model:  codex --profile ${PROFILE_NAME} -m ocg-deepseek-v4-pro`,
        '  3. Check the whole setup:  npx codex-oss doctor',
      ];
    case 'subagent-provider':
      return [
        '  1. Start the bridge:',
        `       npx codex-oss start${portFlag}`,
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
  lines.push('', 'Next steps:', ...nextSteps(report.choice.topology, report.port), '');
  return lines.join('\n');
}
