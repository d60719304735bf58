// Step 5 of validation, for every family: tool calls and tool results must pair up exactly, and
// tool names must be valid function names. Texts are OpenAI's, or DeepSeek's own wording.

import type { ChatRequestBody } from './chat-request.ts';
import { type ErrorDialect, invalidRequestBody } from './provider-errors.ts';
import { type ErrorReply, errorReply } from './replies.ts';

const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
const TOOL_NAME_MAX_LENGTH = 64;

const MISSING_TOOL_RESULTS_PREFIX =
  "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.";

function missingToolResults(dialect: ErrorDialect, assistantIndex: number, callIds: string[]): ErrorReply {
  if (dialect === 'deepseek') {
    const message = `${MISSING_TOOL_RESULTS_PREFIX} (insufficient tool messages following tool_calls message)`;
    return errorReply(400, invalidRequestBody(dialect, message));
  }
  const message = `${MISSING_TOOL_RESULTS_PREFIX} The following tool_call_ids did not have response messages: ${callIds.join(', ')}`;
  return errorReply(400, invalidRequestBody(dialect, message, `messages.[${assistantIndex}].role`));
}

function orphanToolMessage(dialect: ErrorDialect, toolIndex: number): ErrorReply {
  if (dialect === 'deepseek') {
    const message = "Messages with role 'tool' must be a response to a preceding message with 'tool_calls'";
    return errorReply(400, invalidRequestBody(dialect, message));
  }
  const message =
    "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
  return errorReply(400, invalidRequestBody(dialect, message, `messages.[${toolIndex}].role`));
}

interface OpenToolCalls {
  assistantIndex: number;
  pending: Set<string>;
}

export function checkToolCallPairing(body: ChatRequestBody, dialect: ErrorDialect): ErrorReply | null {
  let open: OpenToolCalls | null = null;
  for (const [index, message] of body.messages.entries()) {
    if (message.role === 'tool') {
      if (!open?.pending.delete(message.tool_call_id ?? '')) return orphanToolMessage(dialect, index);
      continue;
    }
    if (open && open.pending.size > 0)
      return missingToolResults(dialect, open.assistantIndex, [...open.pending]);
    const callIds = message.role === 'assistant' ? (message.tool_calls ?? []).map((call) => call.id) : [];
    open = callIds.length > 0 ? { assistantIndex: index, pending: new Set(callIds) } : null;
  }
  if (open && open.pending.size > 0)
    return missingToolResults(dialect, open.assistantIndex, [...open.pending]);
  return null;
}

export function checkToolNames(body: ChatRequestBody, dialect: ErrorDialect): ErrorReply | null {
  for (const [index, tool] of (body.tools ?? []).entries()) {
    const name = tool.function?.name ?? '';
    const param = `tools[${index}].function.name`;
    if (name.length > TOOL_NAME_MAX_LENGTH) {
      const message = `Invalid '${param}': string too long. Expected a string with maximum length ${TOOL_NAME_MAX_LENGTH}, but got a string with length ${name.length} instead.`;
      return errorReply(400, invalidRequestBody(dialect, message, param, 'string_above_max_length'));
    }
    if (!TOOL_NAME_PATTERN.test(name)) {
      const message = `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`;
      return errorReply(400, invalidRequestBody(dialect, message, param, 'invalid_value'));
    }
  }
  return null;
}
