/**
 * Requests the real Codex 0.169 sent to the bridge (captured through a recording proxy, token redacted), parsed the
 * way the bridge parses them: for tests of what the bridge decides from a realistic history.
 */

import type { InputItem } from '../../src/responses/input-items.ts';
import { parseInputItems } from '../../src/responses/input-items.ts';
import { parseResponsesRequest, type ResponsesRequest } from '../../src/responses/request.ts';
import { readCodexRequest } from './fixtures.ts';

export interface CodexTurn {
  request: ResponsesRequest;
  items: InputItem[];
}

export function codexTurn(name: string): CodexTurn {
  const request = parseResponsesRequest(readCodexRequest(name).body);
  return { request, items: parseInputItems(request.input) };
}

/** The same turn with the task message's text replaced (the last user message that is not Codex's context). */
export function withTask(turn: CodexTurn, task: string): CodexTurn {
  const index = turn.items.findLastIndex(
    (item) =>
      item.type === 'message' &&
      item.role === 'user' &&
      !item.content.some((part) => part.type === 'text' && part.text.startsWith('<environment_context>')),
  );
  const items = turn.items.map((item, position) =>
    position === index
      ? { type: 'message' as const, role: 'user' as const, content: [{ type: 'text' as const, text: task }] }
      : item,
  );
  return { request: turn.request, items };
}
