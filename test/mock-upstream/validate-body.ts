// Step 3 of validation: is this a well-formed Chat Completions body at all? These checks run at
// the OpenAI-compatible front door, before any model family is involved, so they speak OpenAI.

import type { ChatRequestBody } from './chat-request.ts';
import { type ErrorDialect, invalidRequestBody, openAiErrorBody } from './provider-errors.ts';
import { type ErrorReply, errorReply } from './replies.ts';

export type BodyCheck = { ok: true; body: ChatRequestBody } | { ok: false; reply: ErrorReply };

/** Fields that exist only in the Responses API: seeing one means the bridge leaked it. */
export const RESPONSES_ONLY_FIELDS: readonly string[] = [
  'input',
  'instructions',
  'store',
  'include',
  'previous_response_id',
  'reasoning',
  'text',
  'max_output_tokens',
  'client_metadata',
];

const CHAT_ROLES: readonly string[] = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];

const UNPARSABLE_JSON_MESSAGE =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
  'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have ' +
  'trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)';

function badRequest(message: string, param: string | null = null, code: string | null = null): ErrorReply {
  return errorReply(400, openAiErrorBody(message, { param, code }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function missingParameter(param: string): ErrorReply {
  return badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

function emptyArray(param: string): ErrorReply {
  return badRequest(
    `Invalid '${param}': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
    param,
    'empty_array',
  );
}

function unrecognizedArguments(fields: string[]): ErrorReply {
  const noun = fields.length === 1 ? 'argument' : 'arguments';
  return badRequest(`Unrecognized request ${noun} supplied: ${fields.join(', ')}`);
}

function checkToolCallShape(call: unknown, param: string): ErrorReply | null {
  if (!isRecord(call)) return missingParameter(param);
  if (typeof call.id !== 'string') return missingParameter(`${param}.id`);
  if (!isRecord(call.function)) return missingParameter(`${param}.function`);
  if (typeof call.function.name !== 'string') return missingParameter(`${param}.function.name`);
  if (typeof call.function.arguments !== 'string') return missingParameter(`${param}.function.arguments`);
  return null;
}

function checkMessageShape(message: unknown, index: number): ErrorReply | null {
  const param = `messages[${index}]`;
  if (!isRecord(message)) {
    return badRequest(
      `Invalid type for '${param}': expected an object, but got ${typeName(message)} instead.`,
      param,
      'invalid_type',
    );
  }
  if (typeof message.role !== 'string') return missingParameter(`${param}.role`);
  if (!CHAT_ROLES.includes(message.role)) {
    return badRequest(
      `Invalid value: '${message.role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
      `${param}.role`,
      'invalid_value',
    );
  }
  if (message.role === 'tool' && typeof message.tool_call_id !== 'string') {
    return missingParameter(`${param}.tool_call_id`);
  }
  if (message.tool_calls === undefined) return null;
  if (!Array.isArray(message.tool_calls)) return missingParameter(`${param}.tool_calls`);
  for (const [position, call] of message.tool_calls.entries()) {
    const problem = checkToolCallShape(call, `${param}.tool_calls[${position}]`);
    if (problem) return problem;
  }
  return null;
}

export function parseChatBody(rawBody: string): BodyCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return { ok: false, reply: badRequest(UNPARSABLE_JSON_MESSAGE) };
  }
  const problem = checkBodyShape(parsed);
  return problem ? { ok: false, reply: problem } : { ok: true, body: parsed as ChatRequestBody };
}

function checkBodyShape(body: unknown): ErrorReply | null {
  if (!isRecord(body)) return badRequest(UNPARSABLE_JSON_MESSAGE);
  if (typeof body.model !== 'string' || body.model === '')
    return badRequest('you must provide a model parameter');
  if (body.messages === undefined) return missingParameter('messages');
  if (!Array.isArray(body.messages)) return missingParameter('messages');
  if (body.messages.length === 0) return emptyArray('messages');
  const leaked = RESPONSES_ONLY_FIELDS.filter((field) => field in body);
  if (leaked.length > 0) return unrecognizedArguments(leaked);
  if (Array.isArray(body.tools) && body.tools.length === 0) return emptyArray('tools');
  for (const [index, message] of body.messages.entries()) {
    const problem = checkMessageShape(message, index);
    if (problem) return problem;
  }
  return null;
}

function unsupportedToolTypeMessage(dialect: ErrorDialect, index: number, type: string): string {
  switch (dialect) {
    case 'zai':
      // Z.AI's literal answer to a hosted tool passed through (cornellsh/codex-proxy#1).
      return `tools[${index}].${type} can not be null`;
    case 'deepseek':
      return `Failed to deserialize the JSON body into the target type: tools[${index}].type: unknown variant \`${type}\`, expected \`function\``;
    default:
      return `Invalid value: '${type}'. Supported values are: 'function'.`;
  }
}

/** Chat upstreams behind Go only know function tools; hosted and custom tools must not reach them. */
export function checkToolDefinitions(body: ChatRequestBody, dialect: ErrorDialect): ErrorReply | null {
  if (body.tools === undefined) return null;
  if (!Array.isArray(body.tools)) return missingParameter('tools');
  for (const [index, tool] of body.tools.entries()) {
    const type = isRecord(tool) && typeof tool.type === 'string' ? tool.type : String(typeName(tool));
    if (type !== 'function') {
      const message = unsupportedToolTypeMessage(dialect, index, type);
      return errorReply(400, invalidRequestBody(dialect, message, `tools[${index}].type`, 'invalid_value'));
    }
    if (!isRecord(tool.function) || typeof tool.function.name !== 'string') {
      return missingParameter(`tools[${index}].function.name`);
    }
  }
  return null;
}
