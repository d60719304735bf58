/**
 * The orchestrator's handoff, read from the subagent's task message: the markers of the AGENTS.md template
 * (`READ-ONLY PATHS:`, `OWNED PATHS:`, `DELIVERABLE:`, one line each, plus `TASK:` and `grep <pattern> in <path>`
 * step lines) and the structured ```codex-oss-handoff block, whose fields win over the markers. Pure.
 */
import { isCompactionSummary } from '../guardrails/history-facts.ts';
import { type InputItem, messageText } from '../responses/input-items.ts';
import { type HandoffBlock, type ModeName, parseHandoffBlock } from './handoff-block.ts';

export type EvidenceStep =
  | { kind: 'read'; path: string }
  | { kind: 'grep'; pattern: string; path: string }
  | { kind: 'diff'; path: string };

export interface ExactWrite {
  path: string;
  content: string;
}

export interface Handoff {
  source: 'markers' | 'block' | 'block+markers';
  mode: ModeName | undefined;
  task: string | undefined;
  readOnlyPaths: string[];
  ownedPaths: string[];
  deliverable: string | undefined;
  /** The block's explicit evidence steps, when it gives them. */
  steps: EvidenceStep[] | undefined;
  /** `grep <pattern> in <path>` lines of the message. */
  grepSteps: EvidenceStep[];
  writes: ExactWrite[];
  exactOutput: string | undefined;
}

export interface TaskMessage {
  /** Position in the input: the task's tool history is what follows it. */
  index: number;
  text: string;
}

const BRIDGE_NOTE = /^\s*\[opencode-bridge/;

/**
 * The subagent's task: the last user message that is not Codex's environment context, a bridge note or a
 * compaction summary.
 */
export function taskMessage(items: readonly InputItem[]): TaskMessage | undefined {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item?.type !== 'message' || item.role !== 'user') continue;
    const text = messageText(item);
    if (text.trimStart().startsWith('<environment_context>') || BRIDGE_NOTE.test(text)) continue;
    // After a compaction Codex adds the summary as a user message; the task is the original message before it.
    if (isCompactionSummary(text)) continue;
    return { index, text };
  }
  return undefined;
}

/** The project directory Codex reports in its `<environment_context>` message, if any. */
export function projectDirectory(items: readonly InputItem[]): string | undefined {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item?.type !== 'message' || item.role !== 'user') continue;
    const cwd = /<environment_context>[\s\S]*?<cwd>([^<]+)<\/cwd>/.exec(messageText(item))?.[1]?.trim();
    if (cwd) return cwd;
  }
  return undefined;
}

function markerLine(text: string, label: string): string | undefined {
  const pattern = new RegExp(`^[\\s>*_-]*(?:\\*\\*)?${label}:(?:\\*\\*)?[ \\t]*(.*)$`, 'im');
  return pattern.exec(text)?.[1]?.trim();
}

/** A path as written in prose: without a sentence's final period, list punctuation or quotes around it. */
function cleanToken(token: string): string {
  return token
    .replace(/[;,]+$/, '')
    .replace(/([^.])\.$/, '$1')
    .replace(/^[`'"]+|[`'"]+$/g, '');
}

/** Paths of a marker line: comma- or space-separated; `none` (or `n/a`, `-`) means no paths. */
export function markerPaths(value: string | undefined): string[] {
  if (value === undefined || /^\(?\s*(?:none|n\/a|-|—)(?![\w/.])/i.test(value)) return [];
  return value
    .split(/[\s,]+/)
    .map(cleanToken)
    .filter(Boolean);
}

const GREP_STEP = /^[ \t>*-]*(?:\d+[.)][ \t]*)?`?grep[ \t]+(.+)[ \t]+in[ \t]+(\S+?)`?[ \t]*$/gim;

function unquote(text: string): string {
  const match = /^(['"`])(.*)\1$/.exec(text.trim());
  return match ? (match[2] as string) : text.trim();
}

/** `grep <pattern> in <path>` lines (the pattern may be quoted). */
export function grepSteps(text: string): EvidenceStep[] {
  return [...text.matchAll(GREP_STEP)].map((match) => ({
    kind: 'grep' as const,
    pattern: unquote(match[1] as string),
    path: cleanToken(match[2] as string),
  }));
}

function blockSteps(block: HandoffBlock): EvidenceStep[] | undefined {
  return block.steps?.map((step): EvidenceStep => {
    if ('read' in step) return { kind: 'read', path: step.read };
    if ('diff' in step) return { kind: 'diff', path: step.diff };
    return { kind: 'grep', pattern: step.grep, path: step.in };
  });
}

/** The handoff in a task message; undefined when it has neither markers nor a block. Throws a 400 on a bad block. */
export function parseHandoff(text: string): Handoff | undefined {
  const block = parseHandoffBlock(text);
  const readOnly = markerLine(text, 'READ-ONLY PATHS');
  const owned = markerLine(text, 'OWNED PATHS');
  const deliverable = markerLine(text, 'DELIVERABLE');
  const hasMarkers = readOnly !== undefined || owned !== undefined || deliverable !== undefined;
  if (!block && !hasMarkers) return undefined;
  return {
    source: block ? (hasMarkers ? 'block+markers' : 'block') : 'markers',
    mode: block?.mode,
    task: block?.task ?? markerLine(text, 'TASK'),
    readOnlyPaths: block?.read_only_paths ?? markerPaths(readOnly),
    ownedPaths: block?.owned_paths ?? markerPaths(owned),
    deliverable: block?.deliverable ?? (deliverable || undefined),
    steps: block && blockSteps(block),
    grepSteps: grepSteps(text),
    writes: block?.writes ?? [],
    exactOutput: block?.exact_output,
  };
}
