/**
 * The task mode of one guarded request, and what it does this turn: a turn the bridge answers itself (tool calls
 * for Codex to run, or the verification report — no model called), or the model's turn with the input, tools and
 * instructions the mode sets. Decided from the task message's handoff and the task's tool history. Pure; a bad
 * handoff is a 400.
 */
import type { GuardrailsConfig } from '../config.ts';
import { type GuardrailPlan, planGuardrails } from '../guardrails/plan.ts';
import type { InputItem } from '../responses/input-items.ts';
import { metadataValue } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import {
  plannedWrites,
  VERIFY_CALL_PREFIX,
  verificationReport,
  verifyCalls,
  WRITE_CALL_PREFIX,
  writeCalls,
} from './bounded-write.ts';
import type { BridgeTurn } from './bridge-turn.ts';
import { chooseMode } from './choose-mode.ts';
import { editToolOf, shellToolOf } from './codex-tools.ts';
import { evidencePack, evidenceSteps, PACK_CALL_PREFIX, packCalls } from './context-pack.ts';
import { evidenceLedger } from './evidence-ledger.ts';
import { exactOutputInstruction } from './exact-output.ts';
import { type Handoff, parseHandoff, projectDirectory, type TaskMessage, taskMessage } from './handoff.ts';
import { invalidHandoff, type ModeName } from './handoff-block.ts';
import { callsAfter, withoutCalls } from './task-history.ts';

/** What the log line and the Response metadata say about the mode. */
export interface ModeInfo {
  mode: ModeName;
  step: string;
  modelCalled: boolean;
  decisions: string[];
}

export type ModePlan =
  | { kind: 'none' }
  | { kind: 'bridge_turn'; info: ModeInfo; turn: BridgeTurn }
  | {
      kind: 'model';
      info: ModeInfo;
      request: ResponsesRequest;
      items: InputItem[];
      guardrails: GuardrailPlan;
      exactOutput: string | undefined;
    };

export interface ModeContext {
  request: ResponsesRequest;
  items: readonly InputItem[];
  /** The request's guardrail plan: modes apply only where it is active (Codex subagents, or OSS_GUARDRAILS=all). */
  guardrails: GuardrailPlan;
  subagent: boolean;
  config: GuardrailsConfig;
}

const NO_MODE: ModePlan = { kind: 'none' };

export function planMode(context: ModeContext): ModePlan {
  if (!context.guardrails.active) return NO_MODE;
  const task = taskMessage(context.items);
  const handoff = task && parseHandoff(task.text);
  if (!task || !handoff) return NO_MODE;
  const mode = chooseMode(handoff);
  const decisions = [
    `handoff (${handoff.source}): ${mode}${handoff.mode ? ', as the block says' : ', chosen from its paths and deliverable'}`,
  ];
  switch (mode) {
    case 'context_pack_report':
      return contextPack(context, task, handoff, decisions);
    case 'managed_autonomy':
      return managedAutonomy(context, task, decisions);
    case 'bounded_write_exact':
      return boundedWrite(context, task, handoff, decisions);
    case 'no_tool_exact':
      return noToolExact(context, handoff, decisions);
  }
}

function bridgeTurn(
  mode: ModeName,
  step: string,
  decisions: string[],
  turn: Omit<BridgeTurn, 'metadata'>,
  note: string,
): ModePlan {
  decisions.push(note);
  return {
    kind: 'bridge_turn',
    info: { mode, step, modelCalled: false, decisions },
    turn: {
      ...turn,
      metadata: {
        opencode_bridge_mode: mode,
        opencode_bridge_step: step,
        opencode_bridge_model_called: 'false',
        opencode_bridge_note: metadataValue(note), // the log line has it all
      },
    },
  };
}

/** A model turn with no tools at all: the request's tools and any tools added in the input are left out. */
function withoutTools(
  context: ModeContext,
  items: InputItem[],
  instructions: string[],
): Pick<Extract<ModePlan, { kind: 'model' }>, 'request' | 'items' | 'guardrails'> {
  const kept = items.filter((item) => item.type !== 'additional_tools');
  const guardrails = planGuardrails(kept, false, context.subagent, context.config);
  return {
    request: { ...context.request, tools: [] },
    items: kept,
    guardrails: {
      ...guardrails,
      request: { ...guardrails.request, instructions: [...guardrails.request.instructions, ...instructions] },
    },
  };
}

function contextPack(
  context: ModeContext,
  task: TaskMessage,
  handoff: Handoff,
  decisions: string[],
): ModePlan {
  const shell = shellToolOf(context.request, context.items);
  if (!shell) {
    decisions.push(
      'context_pack_report needs a shell tool and the request offers none: managed_autonomy instead',
    );
    return managedAutonomy(context, task, decisions);
  }
  const gathered = callsAfter(context.items, task.index, PACK_CALL_PREFIX);
  if (gathered.length === 0) {
    const calls = packCalls(evidenceSteps(handoff), shell);
    return bridgeTurn(
      'context_pack_report',
      'gather_evidence',
      decisions,
      { model: 'opencode-bridge/context-pack', calls },
      `No model was called for this turn: the bridge asked Codex to run ${calls.length} evidence read(s) ` +
        `(${calls.map((call) => call.callId).join(', ')}) with ${shell.name}; the next turn gives the model the pack.`,
    );
  }
  const pack = evidencePack(gathered, handoff, context.config.contextPackMaxChars);
  decisions.push(
    `evidence pack of ${gathered.length} output(s), ${pack.text.length} characters ` +
      `(CONTEXT_PACK_MAX_CHARS=${context.config.contextPackMaxChars})`,
    ...pack.cuts.map((cut) => `pack cut: ${cut}`),
    'synthesis call: the pack as an [opencode-bridge] user message, no tools',
  );
  const packMessage: InputItem = {
    type: 'message',
    role: 'user',
    content: [{ type: 'text', text: pack.text }],
  };
  return {
    kind: 'model',
    info: { mode: 'context_pack_report', step: 'synthesis', modelCalled: true, decisions },
    ...withoutTools(context, [...withoutCalls(context.items, PACK_CALL_PREFIX), packMessage], []),
    exactOutput: undefined,
  };
}

function managedAutonomy(context: ModeContext, task: TaskMessage, decisions: string[]): ModePlan {
  const calls = callsAfter(context.items, task.index);
  const ledger = evidenceLedger(calls);
  decisions.push(
    ledger
      ? `evidence ledger of ${calls.length} call(s) added as a system note`
      : 'no evidence yet: no ledger',
  );
  const { guardrails } = context;
  return {
    kind: 'model',
    info: { mode: 'managed_autonomy', step: 'model_turn', modelCalled: true, decisions },
    request: context.request,
    items: [...context.items],
    guardrails: ledger
      ? {
          ...guardrails,
          request: { ...guardrails.request, instructions: [...guardrails.request.instructions, ledger] },
        }
      : guardrails,
    exactOutput: undefined,
  };
}

function boundedWrite(
  context: ModeContext,
  task: TaskMessage,
  handoff: Handoff,
  decisions: string[],
): ModePlan {
  const writes = plannedWrites(handoff, projectDirectory(context.items));
  const shell = shellToolOf(context.request, context.items);
  if (!shell)
    throw invalidHandoff(
      'mode bounded_write_exact reads every written file back with the shell tool, and the request offers none',
    );
  const written = callsAfter(context.items, task.index, WRITE_CALL_PREFIX);
  const readBack = callsAfter(context.items, task.index, VERIFY_CALL_PREFIX);
  if (written.length === 0) {
    const { calls, how } = writeCalls(writes, { edit: editToolOf(context.request, context.items), shell });
    decisions.push(...how.map((line) => `write ${line}`));
    return bridgeTurn(
      'bounded_write_exact',
      'write',
      decisions,
      { model: 'opencode-bridge/writer', calls },
      `No model was called: the bridge asked Codex to write ${writes.length} file(s) inside OWNED PATHS ` +
        `(${calls.map((call) => call.callId).join(', ')}); the next turn reads them back.`,
    );
  }
  if (readBack.length === 0) {
    const calls = verifyCalls(writes, shell);
    return bridgeTurn(
      'bounded_write_exact',
      'read_back',
      decisions,
      { model: 'opencode-bridge/verifier', calls },
      `No model was called: the bridge asked Codex to read back ${writes.length} file(s) with sha256sum ` +
        `(${calls.map((call) => call.callId).join(', ')}).`,
    );
  }
  const report = verificationReport(writes, written, readBack);
  return bridgeTurn(
    'bounded_write_exact',
    'report',
    decisions,
    { model: 'opencode-bridge/verifier', calls: [], message: report.text },
    `No model was called for this task: verification ${report.verdict} (${report.passed} of ${writes.length} ` +
      "path(s) match); the report is labelled as the bridge's.",
  );
}

function noToolExact(context: ModeContext, handoff: Handoff, decisions: string[]): ModePlan {
  const exact = handoff.exactOutput as string;
  decisions.push(
    'no tools; the answer is checked against the required exact output (one re-ask on a mismatch)',
  );
  return {
    kind: 'model',
    info: { mode: 'no_tool_exact', step: 'model_turn', modelCalled: true, decisions },
    ...withoutTools(context, [...context.items], [exactOutputInstruction(exact)]),
    exactOutput: exact,
  };
}
