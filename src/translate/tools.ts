/**
 * Responses tools → Chat Completions function tools. Function tools map 1:1; namespace tools are flattened;
 * Codex's freeform `custom` tools (apply_patch), `local_shell` and the client-run `tool_search` become functions
 * with a schema the model can fill, and are turned back into their own item types on the way out (see
 * ToolNames.fromChat). Hosted tools that only OpenAI can run are dropped with a note.
 */
import type { ModelProfile } from '../models/profiles.ts';
import type { ResponsesTool } from '../responses/request.ts';
import type { ChatTool } from '../upstream/chat-types.ts';
import { cleanToolSchema } from './json-schema.ts';
import type { TranslationNote } from './notes.ts';
import { flatToolName } from './tool-names.ts';

export type ToolKind = 'function' | 'custom' | 'local_shell' | 'tool_search';

export interface ToolBinding {
  kind: ToolKind;
  name: string;
  namespace?: string;
}

/** The reversible mapping between Codex tool identities and the flat names the upstream model sees. */
export class ToolNames {
  readonly #byChatName = new Map<string, ToolBinding>();
  readonly #byIdentity = new Map<string, string>();

  static identity(name: string, namespace?: string): string {
    return namespace ? `${namespace}\u0000${name}` : name;
  }

  has(name: string, namespace?: string): boolean {
    return this.#byIdentity.has(ToolNames.identity(name, namespace));
  }

  register(binding: ToolBinding): string {
    const identity = ToolNames.identity(binding.name, binding.namespace);
    const existing = this.#byIdentity.get(identity);
    if (existing) return existing;
    let chatName = flatToolName(binding.name, binding.namespace);
    for (let suffix = 2; this.#byChatName.has(chatName); suffix++) {
      chatName = `${flatToolName(binding.name, binding.namespace).slice(0, 60)}_${suffix}`;
    }
    this.#byChatName.set(chatName, binding);
    this.#byIdentity.set(identity, chatName);
    return chatName;
  }

  /** The flat name for a tool seen in history; tools no longer offered keep their deterministic flat name. */
  toChat(name: string, namespace?: string): string {
    return this.#byIdentity.get(ToolNames.identity(name, namespace)) ?? flatToolName(name, namespace);
  }

  /** A name the model used. Unknown names go back to Codex as-is; Codex answers them with "unsupported call". */
  fromChat(chatName: string): ToolBinding {
    return this.#byChatName.get(chatName) ?? { kind: 'function', name: chatName };
  }
}

const HOSTED_TOOL_TYPES = new Set([
  'web_search',
  'web_search_preview',
  'web_search_2025_08_26',
  'web_search_preview_2025_03_11',
  'file_search',
  'code_interpreter',
  'image_generation',
  'computer',
  'computer_use',
  'computer_use_preview',
  'mcp',
  'shell',
  'apply_patch',
  'tool_search',
  'programmatic_tool_calling',
]);

const CUSTOM_TOOL_SCHEMA = {
  type: 'object',
  properties: {
    input: { type: 'string', description: 'The complete raw input for this tool, as plain text.' },
  },
  required: ['input'],
  additionalProperties: false,
};

const LOCAL_SHELL_SCHEMA = {
  type: 'object',
  properties: {
    command: { type: 'array', items: { type: 'string' }, description: 'The command and its arguments.' },
    working_directory: { type: 'string', description: 'Directory to run the command in.' },
    timeout_ms: { type: 'integer', description: 'Timeout in milliseconds.' },
  },
  required: ['command'],
  additionalProperties: false,
};

const MAX_GRAMMAR_IN_DESCRIPTION = 6000;

function customToolDescription(tool: ResponsesTool): string {
  const original = typeof tool.description === 'string' ? tool.description : '';
  const withoutFreeformHint = original.replace(
    /\s*This is a FREEFORM tool, so do not wrap the [^.]*\.?/i,
    '',
  );
  const lines = [
    withoutFreeformHint,
    'Call this tool with one argument, `input`: a string holding the complete raw input (for apply_patch, the whole patch from "*** Begin Patch" to "*** End Patch").',
  ];
  const format = tool.format as { type?: unknown; syntax?: unknown; definition?: unknown } | null | undefined;
  if (format?.type === 'grammar' && typeof format.definition === 'string') {
    if (format.definition.length <= MAX_GRAMMAR_IN_DESCRIPTION) {
      const syntax = typeof format.syntax === 'string' ? `${format.syntax} ` : '';
      lines.push(`The input must match this ${syntax}grammar:\n${format.definition}`);
    }
  }
  return lines.filter(Boolean).join('\n\n');
}

export interface ToolTranslation {
  tools: ChatTool[];
  names: ToolNames;
}

function functionTool(
  chatName: string,
  description: unknown,
  parameters: unknown,
  profile: ModelProfile,
): ChatTool {
  const fn: ChatTool['function'] = {
    name: chatName,
    parameters: cleanToolSchema(parameters, profile.schemaDialect, chatName),
  };
  if (typeof description === 'string' && description.length > 0) fn.description = description;
  return { type: 'function', function: fn };
}

/** The one identity Codex's tool search has, in the request and in the history. */
export const TOOL_SEARCH = 'tool_search';

const TOOL_SEARCH_SCHEMA = {
  type: 'object',
  properties: {
    query: { type: 'string', description: 'Search query for deferred tools.' },
    limit: { type: 'number', description: 'Maximum number of tools to return.' },
  },
  required: ['query'],
  additionalProperties: false,
};

function addTool(
  tool: ResponsesTool,
  namespace: string | undefined,
  out: ToolTranslation,
  profile: ModelProfile,
  notes: TranslationNote[],
): void {
  const name = typeof tool.name === 'string' ? tool.name : undefined;
  // The same tool can arrive twice (found by two searches); the upstream gets it once.
  if (tool.type !== 'namespace' && name && out.names.has(name, namespace)) return;
  switch (tool.type) {
    case 'function': {
      if (!name) return void notes.push({ kind: 'tool_dropped', detail: 'function tool without a name' });
      const chatName = out.names.register({ kind: 'function', name, ...(namespace ? { namespace } : {}) });
      out.tools.push(functionTool(chatName, tool.description, tool.parameters, profile));
      return;
    }
    case 'custom': {
      if (!name) return void notes.push({ kind: 'tool_dropped', detail: 'custom tool without a name' });
      const chatName = out.names.register({ kind: 'custom', name, ...(namespace ? { namespace } : {}) });
      out.tools.push(functionTool(chatName, customToolDescription(tool), CUSTOM_TOOL_SCHEMA, profile));
      return;
    }
    case 'local_shell': {
      const chatName = out.names.register({ kind: 'local_shell', name: 'local_shell' });
      out.tools.push(
        functionTool(chatName, 'Run a shell command on the local machine.', LOCAL_SHELL_SCHEMA, profile),
      );
      return;
    }
    case 'namespace': {
      const children = Array.isArray(tool.tools) ? (tool.tools as ResponsesTool[]) : [];
      for (const child of children) addTool(child, name, out, profile, notes);
      return;
    }
    case 'tool_search': {
      // Codex runs this one itself (`execution: "client"`): for the model it is a function like any other. The
      // deferred tools it finds come back in the history (tool_search_output) and are offered from then on
      // (docs/codex-client.md#tool_search).
      if (tool.execution !== 'client') return void notes.push(hostedToolDropped(tool.type));
      if (out.names.has(TOOL_SEARCH)) return;
      const chatName = out.names.register({ kind: 'tool_search', name: TOOL_SEARCH });
      const parameters = isObject(tool.parameters) ? tool.parameters : TOOL_SEARCH_SCHEMA;
      out.tools.push(functionTool(chatName, tool.description, parameters, profile));
      return;
    }
    default:
      notes.push(hostedToolDropped(tool.type));
  }
}

function hostedToolDropped(type: string): TranslationNote {
  return {
    kind: 'tool_dropped',
    detail: HOSTED_TOOL_TYPES.has(type)
      ? `hosted tool '${type}' runs only on OpenAI's servers`
      : `unknown tool type '${type}'`,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function translateTools(
  tools: readonly ResponsesTool[],
  profile: ModelProfile,
  notes: TranslationNote[],
): ToolTranslation {
  const out: ToolTranslation = { tools: [], names: new ToolNames() };
  for (const tool of tools) addTool(tool, undefined, out, profile, notes);
  return out;
}

function firstLine(text: unknown): string {
  const line = typeof text === 'string' ? text.split('\n').find((candidate) => candidate.trim()) : undefined;
  const trimmed = line?.trim() ?? '';
  return trimmed.length > 160 ? `${trimmed.slice(0, 159)}…` : trimmed;
}

/**
 * What a tool search found, as the tool result the model reads: each tool under the name it calls it by (a
 * namespace's tools flattened, as in the request's tool list, where their full definitions are).
 */
export function toolSearchResultText(found: readonly unknown[], names: ToolNames): string {
  const lines: string[] = [];
  for (const tool of found) {
    if (!isObject(tool) || typeof tool.name !== 'string') continue;
    const about = firstLine(tool.description);
    if (tool.type === 'namespace') {
      const namespace = tool.name;
      const children = (Array.isArray(tool.tools) ? tool.tools : [])
        .filter(isObject)
        .flatMap((child) => (typeof child.name === 'string' ? [names.toChat(child.name, namespace)] : []));
      lines.push(`- ${children.join(', ')}${about ? ` (${namespace}: ${about})` : ''}`);
    } else {
      lines.push(`- ${names.toChat(tool.name)}${about ? `: ${about}` : ''}`);
    }
  }
  return lines.length === 0
    ? 'No tools matched the search.'
    : `Found these tools; they can be called from now on:\n${lines.join('\n')}`;
}
