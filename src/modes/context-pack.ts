/**
 * context_pack_report: for a read-only task over named files, the bridge asks Codex (first turn, no model) to run
 * the reads that gather the evidence — `cat` per file, `grep -n` for a `grep X in Y` step instead of the whole file
 * — and the next turn gives the model the outputs as one labelled evidence pack, cut to CONTEXT_PACK_MAX_CHARS in
 * total with a marker wherever something was left out. Pure.
 */
import type { BridgeToolCall } from './bridge-turn.ts';
import { commandOfCall, commandResult, type ShellTool } from './codex-tools.ts';
import type { EvidenceStep, Handoff } from './handoff.ts';
import { shellQuote } from './paths.ts';
import type { CallRecord } from './task-history.ts';

export const PACK_CALL_PREFIX = 'ocb_pack_';

/** The block's steps when it gives them; else the grep lines, then a read of every read-only path not grepped. */
/** A task about a diff needs the diff itself, not only the files as they are now. */
function asksForDiff(handoff: Handoff): boolean {
  return /\bdiffs?\b/i.test(`${handoff.task ?? ''}\n${handoff.deliverable ?? ''}`);
}

export function evidenceSteps(handoff: Handoff): EvidenceStep[] {
  if (handoff.steps) return handoff.steps;
  const grepped = new Set(handoff.grepSteps.map((step) => step.path));
  const reads = handoff.readOnlyPaths
    .filter((name) => !grepped.has(name))
    .map((name) => ({ kind: 'read' as const, path: name }));
  const diffs = asksForDiff(handoff)
    ? handoff.readOnlyPaths.map((name) => ({ kind: 'diff' as const, path: name }))
    : [];
  return [...handoff.grepSteps, ...reads, ...diffs];
}

export function evidenceCommand(step: EvidenceStep): string {
  switch (step.kind) {
    case 'read':
      return `cat -- ${shellQuote(step.path)}`;
    case 'grep':
      return `grep -n -- ${shellQuote(step.pattern)} ${shellQuote(step.path)}`;
    case 'diff':
      return `git diff -- ${shellQuote(step.path)}`;
  }
}

export function packCalls(steps: readonly EvidenceStep[], shell: ShellTool): BridgeToolCall[] {
  return steps.map((step, index) => ({
    type: 'function_call',
    callId: `${PACK_CALL_PREFIX}${index + 1}`,
    name: shell.name,
    arguments: shell.argumentsFor(evidenceCommand(step)),
  }));
}

export interface EvidencePack {
  /** The `[opencode-bridge]` user message for the synthesis call. */
  text: string;
  /** What was cut, per call, for the log. */
  cuts: string[];
}

interface Entry {
  header: string;
  footer: string;
  body: string;
}

/** Room kept for a cut marker, so the pack with its markers stays within the limit. */
const MARKER_ROOM = 260;

/** Fair shares of a budget: small outputs keep everything, the rest split what is left evenly. */
function allot(sizes: readonly number[], budget: number): number[] {
  const shares = sizes.map(() => 0);
  let remaining = Math.max(0, budget);
  const order = sizes.map((size, index) => ({ size, index })).sort((a, b) => a.size - b.size);
  order.forEach(({ size, index }, position) => {
    const give = Math.min(size, Math.floor(remaining / (order.length - position)));
    shares[index] = give;
    remaining -= give;
  });
  return shares;
}

function cutBody(body: string, keep: number, maxChars: number): { text: string; note: string | undefined } {
  if (body.length <= keep) return { text: body, note: undefined };
  let head = body.slice(0, keep);
  const lastNewline = head.lastIndexOf('\n');
  if (lastNewline > keep * 0.8) head = head.slice(0, lastNewline + 1);
  const lines = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const note = `kept the first ${head.length} of ${body.length} characters (${lines(head)} of ${lines(body)} lines)`;
  const marker =
    `${head.endsWith('\n') || head === '' ? '' : '\n'}[opencode-bridge: output cut here to fit the evidence pack ` +
    `(CONTEXT_PACK_MAX_CHARS=${maxChars}): ${note}; the rest is not in this pack.]\n`;
  return { text: head + marker, note };
}

export function evidencePack(calls: readonly CallRecord[], handoff: Handoff, maxChars: number): EvidencePack {
  const intro = [
    `[opencode-bridge] Evidence pack for your task, gathered by the bridge (not by a model): Codex ran these ` +
      `${calls.length} command(s) in its sandbox just before this turn; their outputs follow as Codex returned ` +
      'them, and any cut is marked. You have no tools in this turn: answer the task from this evidence, in the ' +
      'form the deliverable asks for, and say what the evidence does not show.',
    ...(handoff.task ? [`TASK: ${handoff.task}`] : []),
    ...(handoff.deliverable ? [`DELIVERABLE: ${handoff.deliverable}`] : []),
  ].join('\n');
  const entries: Entry[] = calls.map((call) => {
    const command = commandOfCall(call.name, call.input) ?? call.input;
    if (call.output === undefined)
      return {
        header: `===== ${call.callId}: $ ${command} =====\n`,
        footer: '',
        body: '(no output came back for this call)\n',
      };
    const result = commandResult(call.output);
    const exit = result.exitCode === undefined ? '' : ` (exit code ${result.exitCode})`;
    return {
      header: `===== ${call.callId}: $ ${command}${exit} =====\n`,
      footer: `===== end of ${call.callId} =====\n`,
      body: result.body.endsWith('\n') || result.body === '' ? result.body : `${result.body}\n`,
    };
  });
  const fixed =
    intro.length + 2 + entries.reduce((sum, entry) => sum + entry.header.length + entry.footer.length + 1, 0);
  const total = fixed + entries.reduce((sum, entry) => sum + entry.body.length, 0);
  const shares =
    total <= maxChars
      ? entries.map((entry) => entry.body.length)
      : allot(
          entries.map((entry) => entry.body.length),
          maxChars - fixed - MARKER_ROOM * entries.length,
        );
  const cuts: string[] = [];
  const parts = entries.map((entry, index) => {
    const { text, note } = cutBody(entry.body, shares[index] ?? 0, maxChars);
    if (note) cuts.push(`${calls[index]?.callId}: ${note}`);
    return `${entry.header}${text}${entry.footer}`;
  });
  return { text: `${intro}\n\n${parts.join('\n')}`, cuts };
}
