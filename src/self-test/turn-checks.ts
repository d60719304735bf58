/**
 * What each turn of the self-test conversation must show a client. A check is a named list of problems: empty
 * means it passed.
 */
import { ANSWER, CALL_ARGUMENTS, FIRST_REASONING, TOOL_NAME } from './conversation.ts';
import { doneItems, joinedDeltas, type StreamEvent, streamShapeProblems } from './stream-events.ts';

export interface Check {
  name: string;
  problems: string[];
}

export interface TurnResult {
  status: number;
  contentType: string;
  events: StreamEvent[];
  /** The body when the bridge answered with something other than a stream. */
  errorBody: string | undefined;
}

function streamCheck(turn: string, result: TurnResult): Check {
  if (result.status !== 200 || !result.contentType.includes('text/event-stream')) {
    const body = result.errorBody ? `: ${result.errorBody.slice(0, 300)}` : '';
    return {
      name: `${turn}: streamed answer`,
      problems: [`HTTP ${result.status} ${result.contentType}${body}`],
    };
  }
  return {
    name: `${turn}: well-formed Responses event stream`,
    problems: streamShapeProblems(result.events),
  };
}

function itemOfType(events: readonly StreamEvent[], type: string) {
  return doneItems(events).find((item) => item.type === type);
}

function reasoningCheck(events: readonly StreamEvent[]): Check {
  const problems: string[] = [];
  const streamed = joinedDeltas(events, 'response.reasoning_text.delta');
  if (streamed !== FIRST_REASONING) problems.push(`reasoning deltas read ${JSON.stringify(streamed)}`);
  const sealed = itemOfType(events, 'reasoning')?.encrypted_content;
  if (typeof sealed !== 'string' || sealed.length === 0) {
    problems.push('the reasoning item carries no encrypted_content to replay');
  }
  return { name: 'turn 1: reasoning streamed and sealed for replay', problems };
}

function toolCallCheck(events: readonly StreamEvent[]): Check {
  const problems: string[] = [];
  const streamed = joinedDeltas(events, 'response.function_call_arguments.delta');
  if (streamed !== CALL_ARGUMENTS) problems.push(`argument deltas read ${JSON.stringify(streamed)}`);
  const call = itemOfType(events, 'function_call');
  if (!call) problems.push('no function_call item');
  else if (call.name !== TOOL_NAME || call.arguments !== CALL_ARGUMENTS || typeof call.call_id !== 'string') {
    problems.push(`the function_call item is ${JSON.stringify(call)}`);
  }
  return { name: `turn 1: ${TOOL_NAME} tool call streamed`, problems };
}

function answerCheck(events: readonly StreamEvent[]): Check {
  const problems: string[] = [];
  const streamed = joinedDeltas(events, 'response.output_text.delta');
  if (streamed !== ANSWER) problems.push(`text deltas read ${JSON.stringify(streamed)}`);
  const message = itemOfType(events, 'message') as { content?: Array<{ text?: string }> } | undefined;
  if (message?.content?.[0]?.text !== ANSWER) problems.push('the message item does not hold the answer');
  if (!events.at(-1)?.response?.usage) problems.push('response.completed reports no usage');
  return { name: 'turn 2: answer streamed after the tool output', problems };
}

export function firstTurnChecks(result: TurnResult): Check[] {
  const stream = streamCheck('turn 1', result);
  if (stream.problems.length > 0) return [stream];
  return [stream, reasoningCheck(result.events), toolCallCheck(result.events)];
}

export function secondTurnChecks(result: TurnResult): Check[] {
  const stream = streamCheck('turn 2', result);
  if (stream.problems.length > 0) return [stream];
  return [stream, answerCheck(result.events)];
}

export function upstreamCheck(problems: readonly string[]): Check {
  return {
    name: 'upstream got Chat Completions requests it accepts (reasoning replayed)',
    problems: [...problems],
  };
}
