// Strict validation of an Anthropic Messages request, as OpenCode Go's /messages and the providers behind it do it:
// auth and session header first, then the body: max_tokens required, roles alternating from a user turn, every
// tool_use answered by a tool_result in the next user turn (and no stray results), thinking blocks echoed with
// their signature intact, tools defined whenever the history has tool blocks, and MiniMax's rule that an assistant turn with tool calls comes back whole (thinking
// included). Errors use the Anthropic shape.

import { familyOf, isServedOnlyAsMessages } from '../models.ts';
import { missingSessionBody } from '../provider-errors.ts';
import { type ErrorReply, errorReply } from '../replies.ts';
import { isValidSignature } from './signature.ts';

export interface MessagesRequestBody {
  model: string;
  max_tokens: number;
  messages: Array<{ role: string; content: string | Array<Record<string, any>> }>;
  system?: unknown;
  tools?: Array<Record<string, any>>;
  tool_choice?: Record<string, any>;
  stream?: boolean;
  [field: string]: unknown;
}

export type MessagesValidation = { ok: true; body: MessagesRequestBody } | { ok: false; reply: ErrorReply };

function anthropicError(status: number, type: string, message: string): ErrorReply {
  return errorReply(status, { type: 'error', error: { type, message } });
}

const invalid = (message: string) => ({
  ok: false as const,
  reply: anthropicError(400, 'invalid_request_error', message),
});

function blocksOf(message: { content: unknown }): Array<Record<string, any>> {
  return typeof message.content === 'string'
    ? [{ type: 'text', text: message.content }]
    : (message.content as Array<Record<string, any>>);
}

function checkAuth(headers: Record<string, string>, apiKey: string | undefined): ErrorReply | undefined {
  if (!apiKey) return undefined;
  const bearer = headers.authorization?.replace(/^Bearer\s+/i, '');
  if (headers['x-api-key'] === apiKey || bearer === apiKey) return undefined;
  return anthropicError(401, 'authentication_error', 'invalid x-api-key');
}

function checkShape(body: MessagesRequestBody): string | undefined {
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    return 'messages: at least one message is required';
  for (const key of [
    'input',
    'instructions',
    'store',
    'include',
    'previous_response_id',
    'reasoning',
    'text',
    'max_output_tokens',
  ]) {
    if (key in body) return `${key}: Extra inputs are not permitted`;
  }
  if (Array.isArray(body.tools)) {
    if (body.tools.length === 0) return 'tools: List should have at least 1 item after validation, not 0';
    for (const [index, tool] of body.tools.entries()) {
      if (typeof tool.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(tool.name))
        return `tools.${index}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
      if (typeof tool.input_schema !== 'object' || tool.input_schema?.type !== 'object')
        return `tools.${index}.input_schema.type: Input should be 'object'`;
    }
  }
  return undefined;
}

function checkTurns(body: MessagesRequestBody): string | undefined {
  const family = familyOf(body.model);
  const toolBlocks = body.messages.some((message) =>
    blocksOf(message).some((block) => block.type === 'tool_use' || block.type === 'tool_result'),
  );
  if (toolBlocks && !(Array.isArray(body.tools) && body.tools.length > 0))
    return 'Requests which include `tool_use` or `tool_result` blocks must define tools.';
  for (const [index, message] of body.messages.entries()) {
    if (message.role !== 'user' && message.role !== 'assistant')
      return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    if (index === 0 && message.role !== 'user') return 'messages: first message must use the "user" role';
    if (index > 0 && body.messages[index - 1]?.role === message.role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${message.role}" roles in a row`;
    }
    const blocks = blocksOf(message);
    const previous = index > 0 ? blocksOf(body.messages[index - 1] as { content: unknown }) : [];
    const previousToolUses = new Set(
      previous.filter((block) => block.type === 'tool_use').map((block) => block.id),
    );
    if (message.role === 'user') {
      const results = blocks.filter((block) => block.type === 'tool_result');
      const stray = results.find((block) => !previousToolUses.has(block.tool_use_id));
      if (stray) {
        return `messages.${index}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${stray.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
      const answered = new Set(results.map((block) => block.tool_use_id));
      const missing = [...previousToolUses].filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${index - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
      const firstNonResult = blocks.findIndex((block) => block.type !== 'tool_result');
      if (
        firstNonResult !== -1 &&
        blocks.slice(firstNonResult).some((block) => block.type === 'tool_result')
      ) {
        return `messages.${index}.content: tool_result blocks must come before any other content`;
      }
    }
    if (message.role === 'assistant') {
      for (const [position, block] of blocks.entries()) {
        if (block.type === 'thinking' && !isValidSignature(block.thinking, block.signature)) {
          return `messages.${index}.content.${position}: Invalid \`signature\` in \`thinking\` block`;
        }
        if (
          block.type === 'tool_use' &&
          (typeof block.input !== 'object' || block.input === null || Array.isArray(block.input))
        ) {
          return `messages.${index}.content.${position}.tool_use.input: Input should be a valid dictionary`;
        }
      }
      const usesTools = blocks.some((block) => block.type === 'tool_use');
      if (
        family === 'minimax' &&
        usesTools &&
        !blocks.some((block) => block.type === 'thinking' || block.type === 'redacted_thinking')
      ) {
        return `messages.${index}: the assistant message must be sent back complete, including its thinking blocks (MiniMax interleaved thinking)`;
      }
    }
    if (
      index === body.messages.length - 1 &&
      message.role === 'assistant' &&
      blocks.some((block) => block.type === 'tool_use')
    ) {
      return `messages.${index}: the final assistant message has tool_use blocks without results`;
    }
  }
  return undefined;
}

export function validateMessagesRequest(
  request: { headers: Record<string, string>; rawBody: string },
  options: { apiKey?: string; modelIds: readonly string[] },
): MessagesValidation {
  const authFailure = checkAuth(request.headers, options.apiKey);
  if (authFailure) return { ok: false, reply: authFailure };
  if (!request.headers['x-opencode-session'])
    return { ok: false, reply: errorReply(400, missingSessionBody()) };
  let body: MessagesRequestBody;
  try {
    body = JSON.parse(request.rawBody) as MessagesRequestBody;
  } catch {
    return invalid('The request body is not valid JSON.');
  }
  const shape = checkShape(body);
  if (shape) return invalid(shape);
  if (!options.modelIds.includes(body.model) || !isServedOnlyAsMessages(body.model)) {
    return {
      ok: false,
      reply: anthropicError(401, 'ModelError', `Model ${body.model} is not supported for format anthropic`),
    };
  }
  const turns = checkTurns(body);
  return turns ? invalid(turns) : { ok: true, body };
}
