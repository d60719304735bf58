/**
 * Responses tools → Chat Completions function tools. Function tools map 1:1; namespace tools are flattened;
 * Codex's freeform `custom` tools (apply_patch) and `local_shell` become functions with a schema the model can
 * fill, and are turned back into their own item types on the way out (see ToolNames.fromChat). Hosted tools that
 * only OpenAI can run are dropped with a note.
 */
import type { ModelProfile } from '../models/profiles.ts';
import type { ResponsesTool } from '../responses/request.ts';
import type { ChatTool } from '../upstream/chat-types.ts';
import { cleanToolSchema } from './json-schema.ts';
import type { TranslationNote } from './notes.ts';
import { flatToolName } from './tool-names.ts';

export type ToolKind = 'function' | 'custom' | 'local_shell';

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

function addTool(
  tool: ResponsesTool,
  namespace: string | undefined,
  out: ToolTranslation,
  profile: ModelProfile,
  notes: TranslationNote[],
): void {
  const name = typeof tool.name === 'string' ? tool.name : undefined;
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
    default:
      notes.push({
        kind: 'tool_dropped',
        detail: HOSTED_TOOL_TYPES.has(tool.type)
          ? `hosted tool '${tool.type}' runs only on OpenAI's servers`
          : `unknown tool type '${tool.type}'`,
      });
  }
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
