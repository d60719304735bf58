/**
 * Plays the self-test conversation against a running bridge, as Codex would: two streaming turns, the second one
 * sending back the reasoning and tool-call items of the first with the tool's output.
 */
import { responsesRequest, TOOL_OUTPUT, USER_MESSAGE } from './conversation.ts';
import { doneItems, readStreamEvents } from './stream-events.ts';
import { type Check, firstTurnChecks, secondTurnChecks, type TurnResult } from './turn-checks.ts';

export interface BridgeTarget {
  /** The bridge's root URL (without /v1). */
  url: string;
  apiKey: string;
}

async function postTurn(target: BridgeTarget, body: unknown, signal: AbortSignal): Promise<TurnResult> {
  const response = await fetch(`${target.url}/v1/responses`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      authorization: `Bearer ${target.apiKey}`,
    },
    body: JSON.stringify(body),
    signal,
  });
  const contentType = response.headers.get('content-type') ?? '';
  const isStream = contentType.includes('text/event-stream');
  return {
    status: response.status,
    contentType,
    events: isStream ? await readStreamEvents(response) : [],
    errorBody: isStream ? undefined : await response.text(),
  };
}

function failed(checks: readonly Check[]): boolean {
  return checks.some((check) => check.problems.length > 0);
}

export async function playConversation(target: BridgeTarget, signal: AbortSignal): Promise<Check[]> {
  const first = await postTurn(target, responsesRequest([USER_MESSAGE]), signal);
  const firstChecks = firstTurnChecks(first);
  if (failed(firstChecks)) return firstChecks;

  const items = doneItems(first.events);
  const call = items.find((item) => item.type === 'function_call');
  const toolOutput = { type: 'function_call_output', call_id: call?.call_id, output: TOOL_OUTPUT };
  const second = await postTurn(target, responsesRequest([USER_MESSAGE, ...items, toolOutput]), signal);
  return [...firstChecks, ...secondTurnChecks(second)];
}
