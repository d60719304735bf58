/**
 * managed_autonomy: the model chooses its own steps, and each turn it is reminded what it has already done — an
 * evidence ledger built from the task's tool history (commands run with their exit codes and output sizes, files
 * read, files changed with apply_patch), sent as an `[opencode-bridge]` system note so it does not redo them. Pure.
 */
import { commandOfCall, commandResult } from './codex-tools.ts';
import type { CallRecord } from './task-history.ts';

const MAX_COMMANDS = 30;
const MAX_COMMAND_CHARS = 200;
const READERS = new Set(['cat', 'head', 'tail', 'nl', 'less', 'more', 'bat', 'sed', 'wc']);

function shellWords(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)].map(
    (match) => match[1] ?? match[2] ?? match[3] ?? '',
  );
}

/** Files a simple read command names (`cat a b`, `sed -n 1,40p a`, `head -50 a`); pipelines are left alone. */
export function filesRead(command: string): string[] {
  if (/[|;&<>`$()]/.test(command.replace(/'[^']*'/g, "''"))) return [];
  const [program, ...rest] = shellWords(command);
  if (!program || !READERS.has(program)) return [];
  let args = rest.filter((word) => !word.startsWith('-') && !/^\d+$/.test(word));
  if (program === 'sed') args = args.slice(1);
  return args;
}

/** Files an apply_patch patch adds, updates or deletes. */
export function filesPatched(patch: string): string[] {
  return [...patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)].map((match) =>
    (match[1] as string).trim(),
  );
}

function describe(call: CallRecord, command: string): string {
  const shown = command.length > MAX_COMMAND_CHARS ? `${command.slice(0, MAX_COMMAND_CHARS)}…` : command;
  if (call.output === undefined) return `- \`${shown}\` (${call.callId}): no output came back`;
  const result = commandResult(call.output);
  const lines = result.body === '' ? 0 : result.body.replace(/\n$/, '').split('\n').length;
  const exit = result.exitCode === undefined ? '' : `exit ${result.exitCode}, `;
  return `- \`${shown}\` (${call.callId}): ${exit}${lines} line(s) of output`;
}

/** The ledger note, or undefined when the task has made no calls yet. */
export function evidenceLedger(calls: readonly CallRecord[]): string | undefined {
  if (calls.length === 0) return undefined;
  const commands: string[] = [];
  const read = new Set<string>();
  const changed = new Set<string>();
  let other = 0;
  for (const call of calls) {
    const command = commandOfCall(call.name, call.input);
    if (command !== undefined) {
      commands.push(describe(call, command));
      for (const file of filesRead(command)) read.add(file);
    } else if (call.name === 'apply_patch') {
      for (const file of filesPatched(call.input)) changed.add(file);
    } else {
      other += 1;
    }
  }
  const shown = commands.slice(-MAX_COMMANDS);
  const lines = [
    '[opencode-bridge] Evidence ledger for this task, from the tool calls above (kept by the bridge so you do not ' +
      'redo work): their outputs are already in this conversation. Rerun one only if something has changed since; build on them, and ' +
      'give your final answer once you have what the task needs.',
    `Commands run (${commands.length}${shown.length < commands.length ? `, the last ${shown.length} shown` : ''}):`,
    ...(shown.length > 0 ? shown : ['- none']),
    `Files read: ${read.size > 0 ? [...read].join(', ') : 'none seen in simple read commands'}`,
  ];
  if (changed.size > 0) lines.push(`Files changed with apply_patch: ${[...changed].join(', ')}`);
  if (other > 0) lines.push(`Other tool calls: ${other}`);
  return lines.join('\n');
}
