/**
 * Which guardrails apply to one request, decided once from the request, its headers and the history. Pure: the
 * request translation and the run read the plan; every decision it makes is reported in the log line.
 */
import type { GuardrailsConfig } from '../config.ts';
import type { InputItem } from '../responses/input-items.ts';
import type { RequestGuardrails } from '../translate/request.ts';
import { callKey, historyFacts, isCompactionRequest } from './history-facts.ts';

/** What the run applies to the model's answer. */
export interface ResponseGuardrails {
  /** Forward at most this many tool calls per model turn (the rest are logged and dropped). */
  maxToolCallsPerTurn: number | undefined;
  /** Calls already answered in the history, by tool and arguments → their call id. */
  answeredCalls: ReadonlyMap<string, string> | undefined;
  retryNonTerminal: boolean;
}

export interface GuardrailPlan {
  active: boolean;
  request: RequestGuardrails;
  response: ResponseGuardrails;
  /** Upstream models for a no-tools finalization turn (CONTINUATION_MODEL and its fallbacks), if one applies. */
  finalizerChain: string[] | undefined;
  toolTurns: number;
}

export const INACTIVE_PLAN: GuardrailPlan = {
  active: false,
  request: { compaction: undefined, instructions: [], withdrawTools: false, serialToolCalls: false },
  response: { maxToolCallsPerTurn: undefined, answeredCalls: undefined, retryNonTerminal: false },
  finalizerChain: undefined,
  toolTurns: 0,
};

const SINGLE_TOOL_INSTRUCTION =
  '[opencode-bridge] Call one tool at a time, then wait for its result before deciding the next step.';

function budgetInstruction(used: number): string {
  return (
    `[opencode-bridge] You have used your tool budget (${used} tool turns) for this task; no tools are available ` +
    'now. Deliver your final answer from the evidence gathered so far, in the requested output format, and say ' +
    'what you could not check.'
  );
}

/** Codex marks requests of spawned subagents with `x-openai-subagent: collab_spawn`. */
export function isSubagentRequest(header: (name: string) => string | undefined): boolean {
  return header('x-openai-subagent')?.trim().toLowerCase() === 'collab_spawn';
}

export function planGuardrails(
  items: readonly InputItem[],
  hasTools: boolean,
  subagent: boolean,
  config: GuardrailsConfig,
): GuardrailPlan {
  if (config.scope === 'off' || (config.scope === 'subagents' && !subagent)) return INACTIVE_PLAN;
  // Codex's compaction turn gets no guardrail, but its huge tool outputs are still compacted: it carries the
  // whole history, and must fit the model's context to be summarised at all.
  if (isCompactionRequest(items)) {
    const compaction = { maxChars: config.maxToolOutputChars, maxLines: config.maxToolOutputLines };
    return { ...INACTIVE_PLAN, request: { ...INACTIVE_PLAN.request, compaction } };
  }
  const facts = historyFacts(items);
  const budgetSpent = hasTools && facts.toolTurns >= config.maxToolTurns;
  const instructions: string[] = [];
  if (budgetSpent) instructions.push(budgetInstruction(facts.toolTurns));
  else if (hasTools && config.forceSingleTool) instructions.push(SINGLE_TOOL_INSTRUCTION);
  const finalize = budgetSpent && config.continuationTools === 'none' && config.continuationModel;
  return {
    active: true,
    request: {
      compaction: { maxChars: config.maxToolOutputChars, maxLines: config.maxToolOutputLines },
      instructions,
      withdrawTools: budgetSpent,
      serialToolCalls: !budgetSpent && hasTools && config.forceSingleTool,
    },
    response: {
      maxToolCallsPerTurn: config.forceSingleTool ? config.maxToolCallsPerTurn : undefined,
      answeredCalls: config.suppressDuplicateCalls
        ? new Map(facts.answered.map((call) => [callKey(call.name, call.arguments), call.callId]))
        : undefined,
      retryNonTerminal: config.retryNonTerminalAnswers,
    },
    finalizerChain: finalize
      ? [config.continuationModel as string, ...config.continuationFallbackModels]
      : undefined,
    toolTurns: facts.toolTurns,
  };
}
