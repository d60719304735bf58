/**
 * Responses API input items, as the bridge understands them. `parseInputItems` turns the raw JSON of `input` into
 * this discriminated union; every item type Codex (or another client) may send is either modelled here or turned
 * into an explicit `dropped` item with the reason, so nothing is silently lost and nothing is dumped as JSON.
 */
import { invalidRequest } from '../errors.ts';
import { parseTools, type ResponsesTool } from './request.ts';

export type MessageRole = 'user' | 'assistant' | 'system' | 'developer';

export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image'; imageUrl: string; detail?: string }
  | { type: 'file'; filename: string | undefined };

export type InputItem =
  | { type: 'message'; role: MessageRole; content: ContentPart[] }
  | {
      type: 'reasoning';
      id: string | undefined;
      text: string | undefined;
      encryptedContent: string | undefined;
    }
  | { type: 'function_call'; callId: string; name: string; namespace: string | undefined; arguments: string }
  | { type: 'custom_tool_call'; callId: string; name: string; namespace: string | undefined; input: string }
  | { type: 'local_shell_call'; callId: string; action: unknown }
  | { type: 'tool_output'; callId: string; output: ContentPart[] }
  /** Codex's client-run tool search: the model asked for deferred tools (arguments as a JSON string). */
  | { type: 'tool_search_call'; callId: string; arguments: string }
  /** What Codex's search found: tool definitions the model may call from now on. */
  | { type: 'tool_search_output'; callId: string; tools: ResponsesTool[] }
  | { type: 'additional_tools'; tools: ResponsesTool[] }
  | { type: 'dropped'; originalType: string; reason: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(item: Json, key: string, path: string): string {
  const value = item[key];
  if (typeof value !== 'string') {
    throw invalidRequest(`Invalid value for '${path}.${key}': expected a string.`, `${path}.${key}`);
  }
  return value;
}

function optionalString(item: Json, key: string): string | undefined {
  const value = item[key];
  return typeof value === 'string' ? value : undefined;
}

/** The `type` of an item or part: a string, or absent; anything else (an object, a number) is a 400. */
function typeOf(value: Json, path: string): string | undefined {
  const type = value.type;
  if (type === undefined || typeof type === 'string') return type;
  throw invalidRequest(`Invalid value for '${path}.type': expected a string.`, `${path}.type`);
}

function parseContentPart(part: unknown, path: string): ContentPart | undefined {
  if (typeof part === 'string') return { type: 'text', text: part };
  if (!isObject(part)) throw invalidRequest(`Invalid content part at '${path}': expected an object.`, path);
  const type = typeOf(part, path);
  switch (type) {
    case 'input_text':
    case 'output_text':
    case 'text':
    case 'summary_text':
    case 'reasoning_text':
      return { type: 'text', text: requireString(part, 'text', path) };
    case 'refusal':
      return { type: 'text', text: requireString(part, 'refusal', path) };
    case 'input_image': {
      const imageUrl = optionalString(part, 'image_url');
      if (imageUrl === undefined) {
        // A file_id refers to OpenAI file storage, which no Chat upstream can read.
        return {
          type: 'text',
          text: '[image omitted: uploaded file references are not supported by this bridge]',
        };
      }
      const detail = optionalString(part, 'detail');
      return detail ? { type: 'image', imageUrl, detail } : { type: 'image', imageUrl };
    }
    case 'input_file':
      return { type: 'file', filename: optionalString(part, 'filename') };
    default:
      throw invalidRequest(
        `Unsupported content part type '${type ?? '(none)'}' at '${path}'.`,
        `${path}.type`,
      );
  }
}

export function parseContent(content: unknown, path: string): ContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content)) {
    throw invalidRequest(
      `Invalid value for '${path}': expected a string or an array of content parts.`,
      path,
    );
  }
  const parts: ContentPart[] = [];
  content.forEach((part, index) => {
    const parsed = parseContentPart(part, `${path}[${index}]`);
    if (parsed) parts.push(parsed);
  });
  return parts;
}

const ROLES: readonly MessageRole[] = ['user', 'assistant', 'system', 'developer'];

function parseMessage(item: Json, path: string): InputItem {
  const role = item.role;
  if (typeof role !== 'string' || !ROLES.includes(role as MessageRole)) {
    throw invalidRequest(
      `Invalid value for '${path}.role': expected one of ${ROLES.join(', ')}.`,
      `${path}.role`,
    );
  }
  return {
    type: 'message',
    role: role as MessageRole,
    content: parseContent(item.content, `${path}.content`),
  };
}

function textOfParts(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const texts = value.filter(isObject).flatMap((part) => (typeof part.text === 'string' ? [part.text] : []));
  return texts.length > 0 ? texts.join('\n') : undefined;
}

function parseReasoning(item: Json): InputItem {
  // Raw reasoning (`content: [{type: 'reasoning_text'}]`) is what this bridge emits; summaries are only a fallback.
  return {
    type: 'reasoning',
    id: optionalString(item, 'id'),
    text: textOfParts(item.content),
    encryptedContent: optionalString(item, 'encrypted_content'),
  };
}

function parseToolOutput(item: Json, path: string, callIdKey = 'call_id'): InputItem {
  const output = item.output;
  const parts =
    typeof output === 'string'
      ? [{ type: 'text' as const, text: output }]
      : parseContent(output, `${path}.output`);
  return { type: 'tool_output', callId: requireString(item, callIdKey, path), output: parts };
}

/**
 * Codex MultiAgentV2 delivers a spawned agent's task as an `agent_message` item. Its text is readable in some
 * Codex versions and encrypted for OpenAI in others (openai/codex#36376).
 */
function parseAgentMessage(item: Json, path: string): InputItem {
  const text = textOfParts(item.content) ?? optionalString(item, 'text') ?? optionalString(item, 'message');
  const payload = optionalString(item, 'encrypted_content');
  const readable = text ?? (payload && !looksEncrypted(payload) ? payload : undefined);
  if (readable === undefined) {
    throw invalidRequest(
      `The agent_message at '${path}' carries a task that Codex encrypted for OpenAI models; an open model cannot ` +
        'read it. Spawn OSS subagents with multi_agent_version "v1" (or without a full-history fork).',
      path,
      'unreadable_agent_message',
    );
  }
  return { type: 'message', role: 'user', content: [{ type: 'text', text: readable }] };
}

/**
 * Codex runs `tool_search` itself (`execution: "client"`) and sends the call and its result back in the history
 * (codex-rs/protocol `ResponseItem::ToolSearchCall` / `ToolSearchOutput`): the call's `arguments` is a JSON object,
 * the output's `tools` the definitions found (docs/codex-client.md#tool_search). A search OpenAI's servers ran has
 * no call id and nothing an open model can use.
 */
function parseToolSearchItem(item: Json, path: string): InputItem {
  const callId = optionalString(item, 'call_id');
  if (callId === undefined || item.execution === 'server') {
    return {
      type: 'dropped',
      originalType: String(item.type),
      reason: 'a tool search run on OpenAI servers cannot be replayed to another model',
    };
  }
  if (item.type === 'tool_search_call') {
    const args = item.arguments;
    return {
      type: 'tool_search_call',
      callId,
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    };
  }
  return { type: 'tool_search_output', callId, tools: parseTools(item.tools, `${path}.tools`) };
}

function looksEncrypted(payload: string): boolean {
  return /^gAAAAA/.test(payload) || (/^[A-Za-z0-9+/_=-]{64,}$/.test(payload) && !/\s/.test(payload));
}

const DROPPED_TYPES: Readonly<Record<string, string>> = {
  web_search_call: 'hosted web search results cannot be replayed to a Chat Completions model',
  file_search_call: 'hosted file search results cannot be replayed to a Chat Completions model',
  image_generation_call: 'hosted image generation cannot be replayed to a Chat Completions model',
  code_interpreter_call: 'hosted code interpreter calls cannot be replayed to a Chat Completions model',
  computer_call: 'computer-use calls cannot be replayed to a Chat Completions model',
  computer_call_output: 'computer-use outputs cannot be replayed to a Chat Completions model',
  compaction: 'OpenAI-encrypted compaction summaries are unreadable to other models',
  compaction_trigger: 'compaction triggers only concern OpenAI models',
  item_reference: 'item references need OpenAI server-side state',
  mcp_list_tools: 'hosted MCP tools are not offered to Chat Completions models',
  mcp_call: 'hosted MCP tools are not offered to Chat Completions models',
  mcp_approval_request: 'hosted MCP tools are not offered to Chat Completions models',
  mcp_approval_response: 'hosted MCP tools are not offered to Chat Completions models',
};

function parseItem(raw: unknown, path: string): InputItem {
  if (!isObject(raw)) throw invalidRequest(`Invalid input item at '${path}': expected an object.`, path);
  const type = typeOf(raw, path) ?? (raw.role !== undefined ? 'message' : undefined);
  switch (type) {
    case 'message':
      return parseMessage(raw, path);
    case 'reasoning':
      return parseReasoning(raw);
    case 'function_call':
      return {
        type: 'function_call',
        callId: requireString(raw, 'call_id', path),
        name: requireString(raw, 'name', path),
        namespace: optionalString(raw, 'namespace'),
        arguments: optionalString(raw, 'arguments') ?? '{}',
      };
    case 'custom_tool_call':
      return {
        type: 'custom_tool_call',
        callId: requireString(raw, 'call_id', path),
        name: requireString(raw, 'name', path),
        namespace: optionalString(raw, 'namespace'),
        input: optionalString(raw, 'input') ?? '',
      };
    case 'local_shell_call':
      return {
        type: 'local_shell_call',
        callId: requireString(raw, 'call_id', path),
        action: raw.action ?? {},
      };
    case 'function_call_output':
    case 'custom_tool_call_output':
      return parseToolOutput(raw, path);
    case 'local_shell_call_output':
      return parseToolOutput(raw, path, typeof raw.call_id === 'string' ? 'call_id' : 'id');
    case 'agent_message':
      return parseAgentMessage(raw, path);
    case 'tool_search_call':
    case 'tool_search_output':
      return parseToolSearchItem(raw, path);
    case 'additional_tools':
      return { type: 'additional_tools', tools: parseTools(raw.tools ?? [], `${path}.tools`) };
    default: {
      const name = type ?? '(none)';
      return {
        type: 'dropped',
        originalType: name,
        reason: (Object.hasOwn(DROPPED_TYPES, name) && DROPPED_TYPES[name]) || 'unknown input item type',
      };
    }
  }
}

/** The text parts of a message item, one per line (other parts left out); '' for any other item. */
export function messageText(item: InputItem | undefined): string {
  if (item?.type !== 'message') return '';
  return item.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

export function parseInputItems(input: string | unknown[]): InputItem[] {
  if (typeof input === 'string')
    return [{ type: 'message', role: 'user', content: [{ type: 'text', text: input }] }];
  return input.map((item, index) => parseItem(item, `input[${index}]`));
}
