// Step 4 of validation: what each upstream family rejects on top of plain Chat Completions
// (docs/providers.md#deepseek, docs/providers.md#kimi-moonshot). Every family quirk of the mock lives in this file.

import { type ChatMessage, type ChatRequestBody, isThinkingDisabled } from './chat-request.ts';
import type { ModelFamily } from './models.ts';
import { findMoonshotSchemaViolation, moonshotSchemaMessage } from './moonshot-schema.ts';
import { invalidRequestBody } from './provider-errors.ts';
import { type ErrorReply, errorReply } from './replies.ts';

export type Rule = (body: ChatRequestBody) => ErrorReply | null;

const THINKING_SAFE_TOOL_CHOICES: readonly unknown[] = [undefined, 'auto', 'none'];

export const DEEPSEEK_REASONING_MESSAGE =
  'The reasoning_content in the thinking mode must be passed back to the API.';

function deepseekError(message: string): ErrorReply {
  return errorReply(400, invalidRequestBody('deepseek', message));
}

function moonshotError(message: string): ErrorReply {
  return errorReply(400, invalidRequestBody('moonshot', message));
}

function hasToolCalls(message: ChatMessage): boolean {
  return (message.tool_calls?.length ?? 0) > 0;
}

function firstIndexWhere(body: ChatRequestBody, predicate: (message: ChatMessage) => boolean): number {
  return body.messages.findIndex(predicate);
}

// DeepSeek answers schema errors from its JSON deserialiser (earendil-works/pi#1048).
const rejectDeveloperRoleLikeDeepseek: Rule = (body) => {
  const index = firstIndexWhere(body, (message) => message.role === 'developer');
  if (index < 0) return null;
  return deepseekError(
    `Failed to deserialize the JSON body into the target type: messages[${index}].role: unknown variant ` +
      '`developer`, expected one of `system`, `user`, `assistant`, `tool`, `latest_reminder`',
  );
};

// routatic/proxy#6: DeepSeek via Go needs `content` on assistant tool-call messages ("" is fine).
const requireContentOnToolCallMessages: Rule = (body) => {
  const index = firstIndexWhere(
    body,
    (message) => message.role === 'assistant' && hasToolCalls(message) && typeof message.content !== 'string',
  );
  if (index < 0) return null;
  const content = body.messages[index]?.content;
  return deepseekError(
    content === undefined
      ? `Failed to deserialize the JSON body into the target type: messages[${index}]: missing field \`content\``
      : `Failed to deserialize the JSON body into the target type: messages[${index}].content: invalid type: ${content === null ? 'null' : typeof content}, expected a string`,
  );
};

const restrictToolChoiceLikeDeepseek: Rule = (body) => {
  if (isThinkingDisabled(body) || THINKING_SAFE_TOOL_CHOICES.includes(body.tool_choice)) return null;
  return deepseekError('Thinking mode does not support this tool_choice');
};

// V4 wants reasoning_content on every assistant message in thinking mode, and rejects "" (V4 Pro);
// a single space passes (hermes-agent#18263, litellm#28057).
const requireReasoningOnEveryAssistantMessage: Rule = (body) => {
  if (isThinkingDisabled(body)) return null;
  const index = firstIndexWhere(
    body,
    (message) =>
      message.role === 'assistant' &&
      (typeof message.reasoning_content !== 'string' || message.reasoning_content === ''),
  );
  return index < 0 ? null : deepseekError(DEEPSEEK_REASONING_MESSAGE);
};

// openclaw#22194: Moonshot maps unknown roles to ROLE_UNSPECIFIED and refuses them.
const rejectDeveloperRoleLikeMoonshot: Rule = (body) =>
  body.messages.some((message) => message.role === 'developer')
    ? moonshotError('unsupported role ROLE_UNSPECIFIED')
    : null;

// Kimi pins temperature: 1.0 with thinking, 0.6 without (opencode#27796).
const requirePinnedTemperature: Rule = (body) => {
  const allowed = isThinkingDisabled(body) ? 0.6 : 1;
  if (body.temperature === undefined || body.temperature === allowed) return null;
  return moonshotError(`invalid temperature: only ${allowed} is allowed for this model`);
};

const restrictToolChoiceLikeMoonshot: Rule = (body) => {
  if (isThinkingDisabled(body) || THINKING_SAFE_TOOL_CHOICES.includes(body.tool_choice)) return null;
  const mode = body.tool_choice === 'required' ? 'required' : 'specified';
  return moonshotError(`tool_choice '${mode}' is incompatible with thinking enabled`);
};

const requireMoonshotFlavouredSchemas: Rule = (body) => {
  for (const tool of body.tools ?? []) {
    const details = findMoonshotSchemaViolation(tool.function?.parameters);
    if (details) return moonshotError(moonshotSchemaMessage(details));
  }
  return null;
};

// Kimi accepts "" here; only a missing field is refused (obsidian-yolo#243).
const requireReasoningOnToolCallMessages: Rule = (body) => {
  if (isThinkingDisabled(body)) return null;
  const index = firstIndexWhere(
    body,
    (message) =>
      message.role === 'assistant' && hasToolCalls(message) && typeof message.reasoning_content !== 'string',
  );
  if (index < 0) return null;
  return moonshotError(
    `thinking is enabled but reasoning_content is missing in assistant tool call message at index ${index}`,
  );
};

const RULES_BY_FAMILY: Record<ModelFamily, readonly Rule[]> = {
  deepseek: [
    rejectDeveloperRoleLikeDeepseek,
    requireContentOnToolCallMessages,
    restrictToolChoiceLikeDeepseek,
    requireReasoningOnEveryAssistantMessage,
  ],
  kimi: [
    rejectDeveloperRoleLikeMoonshot,
    requirePinnedTemperature,
    restrictToolChoiceLikeMoonshot,
    requireMoonshotFlavouredSchemas,
    requireReasoningOnToolCallMessages,
  ],
  glm: [],
  qwen: [],
  minimax: [],
  generic: [],
};

export function familyRules(family: ModelFamily): readonly Rule[] {
  return RULES_BY_FAMILY[family];
}

export function firstFailure(body: ChatRequestBody, rules: readonly Rule[]): ErrorReply | null {
  for (const rule of rules) {
    const failure = rule(body);
    if (failure) return failure;
  }
  return null;
}
