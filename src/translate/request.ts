/**
 * A Responses request → a Chat Completions request for one upstream model. Pure: everything it needs (model
 * profile, history lookup, settings) comes in as arguments; everything it changed or dropped comes out as notes.
 */

import type { ResolvedModel } from '../models/catalog.ts';
import type { ModelProfile } from '../models/profiles.ts';
import type { InputItem } from '../responses/input-items.ts';
import type { ResponsesRequest, ResponsesTool, TextFormat } from '../responses/request.ts';
import type { ChatRequest, ChatToolChoice } from '../upstream/chat-types.ts';
import type { CompactionLimits } from './compact-output.ts';
import { buildChatMessages, type HistoryLookup } from './messages.ts';
import type { TranslationNote } from './notes.ts';
import { type ToolNames, translateTools } from './tools.ts';

/** What the request translation applies on behalf of the guardrails (src/guardrails/plan.ts decides it). */
export interface RequestGuardrails {
  compaction: CompactionLimits | undefined;
  /** Added to the system prompt, each marked as the bridge's. */
  instructions: string[];
  /** The tool-turn budget is spent: this call has no tools. */
  withdrawTools: boolean;
  /** Ask for one call at a time. */
  serialToolCalls: boolean;
}

export interface TranslateOptions {
  model: ResolvedModel;
  lookup: HistoryLookup;
  stream: boolean;
  stripTools: boolean;
  guardrails?: RequestGuardrails;
}

/** The tools that go upstream after STRIP_TOOLS and the tool-turn budget, with a note for each removal. */
export function offeredTools(
  requested: ResponsesTool[],
  options: Pick<TranslateOptions, 'stripTools' | 'guardrails'>,
  notes: TranslationNote[],
): ResponsesTool[] {
  if (requested.length === 0) return requested;
  if (options.stripTools) {
    notes.push({ kind: 'tools_stripped', detail: `STRIP_TOOLS=1 removed ${requested.length} tools` });
    return [];
  }
  if (options.guardrails?.withdrawTools) {
    notes.push({
      kind: 'tools_withdrawn',
      detail: 'tool-turn budget spent (OSS_MAX_TOOL_TURNS): a no-tools turn',
    });
    return [];
  }
  return requested;
}

/** The system prompt: the request's instructions, then what the bridge adds (schema, guardrails), marked as such. */
export function systemInstructions(
  instructions: string | null | undefined,
  added: readonly (string | undefined)[],
  notes: TranslationNote[],
): string | undefined {
  const extra = added.filter((text): text is string => !!text);
  for (const text of extra) {
    if (text.startsWith('[opencode-bridge]'))
      notes.push({ kind: 'guardrail_instruction', detail: text.slice(0, 120) });
  }
  return [instructions, ...extra].filter(Boolean).join('\n\n') || undefined;
}

export interface ChatTranslation {
  body: ChatRequest;
  names: ToolNames;
  notes: TranslationNote[];
}

/**
 * The request's tools plus those Codex sends inside `additional_tools` input items and those its tool searches
 * found (`tool_search_output`): a deferred tool is callable once a search has returned it.
 */
export function collectTools(request: ResponsesRequest, items: readonly InputItem[]): ResponsesTool[] {
  const tools = [...(request.tools ?? [])];
  for (const item of items) {
    if (item.type === 'additional_tools' || item.type === 'tool_search_output') tools.push(...item.tools);
  }
  return tools;
}

function translateToolChoice(
  choice: ResponsesRequest['tool_choice'],
  names: ToolNames,
  profile: ModelProfile,
  notes: TranslationNote[],
): ChatToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  let mapped: ChatToolChoice | undefined;
  if (typeof choice === 'string') {
    mapped = choice === 'none' || choice === 'required' ? choice : 'auto';
  } else if ((choice.type === 'function' || choice.type === 'custom') && typeof choice.name === 'string') {
    const namespace = typeof choice.namespace === 'string' ? choice.namespace : undefined;
    mapped = { type: 'function', function: { name: names.toChat(choice.name, namespace) } };
  } else if (choice.type === 'allowed_tools') {
    mapped = choice.mode === 'required' ? 'required' : 'auto';
  } else {
    notes.push({
      kind: 'tool_choice_downgraded',
      detail: `tool_choice type '${choice.type}' is not available; using auto`,
    });
    return 'auto';
  }
  if (profile.onlyAutoToolChoice && mapped !== 'auto' && mapped !== 'none') {
    notes.push({
      kind: 'tool_choice_downgraded',
      detail: `${profile.family} thinking mode accepts only auto/none tool_choice; a forced choice was sent as auto`,
    });
    return 'auto';
  }
  return mapped;
}

function schemaInstruction(format: Extract<TextFormat, { type: 'json_schema' }>): string {
  return `Respond only with a JSON object that matches this JSON schema:\n${JSON.stringify(format.schema)}`;
}

function translateTextFormat(
  format: TextFormat | null | undefined,
  profile: ModelProfile,
  notes: TranslationNote[],
): { responseFormat?: ChatRequest['response_format']; instruction?: string } {
  if (!format || format.type === 'text') return {};
  if (format.type === 'json_object') return { responseFormat: { type: 'json_object' } };
  if (profile.responseFormat === 'json_schema') {
    return {
      responseFormat: {
        type: 'json_schema',
        json_schema: {
          name: format.name ?? 'response',
          schema: format.schema,
          strict: format.strict ?? false,
        },
      },
    };
  }
  notes.push({
    kind: 'response_format_downgraded',
    detail: `${profile.family} has no json_schema output; sent json_object with the schema as an instruction`,
  });
  return { responseFormat: { type: 'json_object' }, instruction: schemaInstruction(format) };
}

export function translateRequest(
  request: ResponsesRequest,
  items: readonly InputItem[],
  options: TranslateOptions,
): ChatTranslation {
  const { profile } = options.model;
  const notes: TranslationNote[] = [];
  const { tools, names } = translateTools(
    offeredTools(collectTools(request, items), options, notes),
    profile,
    notes,
  );
  const textFormat = translateTextFormat(request.text?.format, profile, notes);
  const instructions = systemInstructions(
    request.instructions,
    [textFormat.instruction, ...(options.guardrails?.instructions ?? [])],
    notes,
  );
  const messages = buildChatMessages(items, instructions, {
    profile,
    names,
    lookup: options.lookup,
    notes,
    compaction: options.guardrails?.compaction,
  });

  const body: ChatRequest = { model: options.model.upstreamModel, messages, stream: options.stream };
  if (options.stream) body.stream_options = { include_usage: true };
  if (tools.length > 0) {
    // An empty tools list is left out entirely: some upstreams reject `tools: []` (Codex sends it on compaction).
    body.tools = tools;
    const toolChoice = translateToolChoice(request.tool_choice, names, profile, notes);
    if (toolChoice !== undefined) body.tool_choice = toolChoice;
    if (typeof request.parallel_tool_calls === 'boolean')
      body.parallel_tool_calls = request.parallel_tool_calls;
    if (options.guardrails?.serialToolCalls) body.parallel_tool_calls = false;
  }
  if (request.temperature != null || request.top_p != null) {
    if (profile.dropSampling) {
      notes.push({
        kind: 'sampling_dropped',
        detail: `${profile.family} pins temperature/top_p; values not sent`,
      });
    } else {
      if (request.temperature != null) body.temperature = request.temperature;
      if (request.top_p != null) body.top_p = request.top_p;
    }
  }
  if (request.max_output_tokens != null) body.max_tokens = request.max_output_tokens;
  if (textFormat.responseFormat) body.response_format = textFormat.responseFormat;
  if (request.reasoning?.effort) Object.assign(body, profile.effortFields(request.reasoning.effort));
  if (request.prompt_cache_key && profile.forwardPromptCacheKey)
    body.prompt_cache_key = request.prompt_cache_key;
  return { body, names, notes };
}
