/**
 * A Responses request → an Anthropic Messages request. The history is first put in Chat form by the same builder
 * the Chat wire uses (one assistant message per model turn, repaired tool pairing, reasoning replay), with thinking
 * replayed as the signed blocks the model produced; then each message becomes Messages content blocks: system text
 * in `system`, tool calls as `tool_use`, tool outputs grouped as `tool_result` blocks in the next user turn, turns
 * merged so roles alternate. Pure, like the Chat translation.
 */
import type { ModelProfile } from '../models/profiles.ts';
import type { InputItem } from '../responses/input-items.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import type {
  AssistantBlock,
  ImageBlock,
  MessagesMessage,
  MessagesRequest,
  MessagesTool,
  MessagesToolChoice,
  UserBlock,
} from '../upstream/anthropic/types.ts';
import type { ChatContentPart, ChatMessage } from '../upstream/chat-types.ts';
import { buildChatMessages } from './messages.ts';
import type { TranslationNote } from './notes.ts';
import {
  type ChatTranslation,
  collectTools,
  offeredTools,
  systemInstructions,
  type TranslateOptions,
} from './request.ts';
import { translateTools } from './tools.ts';

/** Messages requires max_tokens; without a client limit, ask for this much (capped by the model's maximum). */
export const DEFAULT_MAX_TOKENS = 32_768;

export interface MessagesTranslation extends Omit<ChatTranslation, 'body'> {
  body: MessagesRequest;
}

function imageBlock(url: string): ImageBlock {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return data
    ? { type: 'image', source: { type: 'base64', media_type: data[1] as string, data: data[2] as string } }
    : { type: 'image', source: { type: 'url', url } };
}

function userBlocks(content: string | ChatContentPart[]): UserBlock[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  return content.map((part) =>
    part.type === 'text' ? { type: 'text', text: part.text } : imageBlock(part.image_url.url),
  );
}

function toolInput(args: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through: the model once produced arguments that are not an object; keep them visible
  }
  return { raw_arguments: args };
}

function assistantBlocks(message: Extract<ChatMessage, { role: 'assistant' }>): AssistantBlock[] {
  const blocks: AssistantBlock[] = [...(message.thinking_blocks ?? [])];
  if (message.content) blocks.push({ type: 'text', text: message.content });
  for (const call of message.tool_calls ?? []) {
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: toolInput(call.function.arguments),
    });
  }
  return blocks;
}

/** Appends blocks to the conversation, merging into the previous message when it has the same role. */
function append(
  messages: MessagesMessage[],
  role: 'user' | 'assistant',
  blocks: Array<UserBlock | AssistantBlock>,
) {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last && last.role === role) {
    (last.content as Array<UserBlock | AssistantBlock>).push(...blocks);
    // tool_result blocks must come first in a user message.
    if (role === 'user')
      last.content.sort((a, b) => Number(b.type === 'tool_result') - Number(a.type === 'tool_result'));
    return;
  }
  messages.push({ role, content: blocks } as MessagesMessage);
}

function toMessages(chat: readonly ChatMessage[]): { system: string[]; messages: MessagesMessage[] } {
  const system: string[] = [];
  const messages: MessagesMessage[] = [];
  for (const message of chat) {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(message.content);
        break;
      case 'user':
        append(messages, 'user', userBlocks(message.content));
        break;
      case 'assistant':
        append(messages, 'assistant', assistantBlocks(message));
        break;
      case 'tool':
        append(messages, 'user', [
          { type: 'tool_result', tool_use_id: message.tool_call_id, content: message.content },
        ]);
        break;
    }
  }
  // The conversation must open with a user turn.
  if (messages[0]?.role === 'assistant')
    messages.unshift({ role: 'user', content: [{ type: 'text', text: '(conversation continues)' }] });
  return { system, messages };
}

function toolChoice(
  choice: ResponsesRequest['tool_choice'],
  parallel: boolean | null | undefined,
  toChat: (name: string) => string,
  profile: ModelProfile,
  notes: TranslationNote[],
): MessagesToolChoice | undefined {
  const serial = parallel === false ? { disable_parallel_tool_use: true } : {};
  let mapped: MessagesToolChoice;
  if (choice === undefined || choice === null || choice === 'auto') mapped = { type: 'auto', ...serial };
  else if (choice === 'none') return { type: 'none' };
  else if (choice === 'required') mapped = { type: 'any', ...serial };
  else if (typeof choice === 'object' && typeof choice.name === 'string')
    mapped = { type: 'tool', name: toChat(choice.name), ...serial };
  else mapped = { type: 'auto', ...serial };
  if (profile.onlyAutoToolChoice && mapped.type !== 'auto') {
    notes.push({
      kind: 'tool_choice_downgraded',
      detail: `${profile.family} accepts only auto/none tool_choice; sent auto`,
    });
    return { type: 'auto', ...serial };
  }
  return mapped;
}

/**
 * Anthropic-format upstreams refuse a history with tool_use blocks when no tools are defined. A turn without tools
 * (tool budget spent, a task mode's no-tools turn, STRIP_TOOLS) declares the tools its history used, bare, and
 * switches them off.
 */
function toolsOfHistory(messages: readonly MessagesMessage[]): MessagesTool[] {
  const names = new Set<string>();
  for (const message of messages)
    if (message.role === 'assistant')
      for (const block of message.content) if (block.type === 'tool_use') names.add(block.name);
  return [...names].map((name) => ({ name, input_schema: { type: 'object' } }));
}

export function translateMessagesRequest(
  request: ResponsesRequest,
  items: readonly InputItem[],
  options: TranslateOptions & { maxOutputTokens: number },
): MessagesTranslation {
  const profile: ModelProfile = {
    ...options.model.profile,
    // On the Messages wire thinking goes back as the signed blocks the model sent, whatever the family does on Chat.
    replay: { into: 'thinking-blocks', scope: 'all', placeholder: null },
    requiresAssistantContent: false,
  };
  const notes: TranslationNote[] = [];
  const { tools, names } = translateTools(
    offeredTools(collectTools(request, items), options, notes),
    profile,
    notes,
  );
  const instructions = systemInstructions(
    request.instructions,
    options.guardrails?.instructions ?? [],
    notes,
  );
  const chat = buildChatMessages(items, instructions, {
    profile,
    names,
    lookup: options.lookup,
    notes,
    compaction: options.guardrails?.compaction,
  });
  const { system, messages } = toMessages(chat);

  const body: MessagesRequest = {
    model: options.model.upstreamModel,
    max_tokens: Math.min(request.max_output_tokens ?? DEFAULT_MAX_TOKENS, options.maxOutputTokens),
    messages,
    stream: options.stream,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (tools.length > 0) {
    body.tools = tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description ? { description: tool.function.description } : {}),
      input_schema: tool.function.parameters,
    }));
    const choice = toolChoice(
      request.tool_choice,
      request.parallel_tool_calls,
      (name) => names.toChat(name),
      profile,
      notes,
    );
    if (choice) body.tool_choice = choice;
  } else {
    const declared = toolsOfHistory(messages);
    if (declared.length > 0) {
      body.tools = declared;
      body.tool_choice = { type: 'none' };
      notes.push({
        kind: 'tools_withdrawn',
        detail: `no tools this turn: the ${declared.length} tool(s) of the history declared bare, tool_choice none`,
      });
    }
  }
  if (request.temperature != null) body.temperature = request.temperature;
  if (request.top_p != null) body.top_p = request.top_p;
  if (request.text?.format && request.text.format.type !== 'text') {
    notes.push({
      kind: 'response_format_downgraded',
      detail: 'the Messages format has no structured output; schema sent as an instruction',
    });
    const schema =
      request.text.format.type === 'json_schema' ? `:\n${JSON.stringify(request.text.format.schema)}` : '.';
    body.system = [
      body.system,
      `Respond only with a JSON object${request.text.format.type === 'json_schema' ? ' that matches this JSON schema' : ''}${schema}`,
    ]
      .filter(Boolean)
      .join('\n\n');
  }
  if (request.reasoning?.effort === 'none') body.thinking = { type: 'disabled' };
  return { body, names, notes };
}
