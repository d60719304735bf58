/**
 * The Codex tools the task modes drive: the shell tool (`exec_command {cmd}` in Codex 0.169; `shell_command
 * {command}` and `shell {command: [...]}` in other shell types) and the file-edit tool (`apply_patch`, freeform
 * custom tool or JSON function). Read from the request's tools, never assumed; plus how a command is read back from
 * a call and how Codex reports a command's result.
 */
import type { InputItem } from '../responses/input-items.ts';
import type { ResponsesRequest, ResponsesTool } from '../responses/request.ts';
import { collectTools } from '../translate/request.ts';

export interface ShellTool {
  name: string;
  /** The call's JSON arguments for one shell command line. */
  argumentsFor(command: string): string;
}

export interface EditTool {
  /** `custom`: Codex's freeform apply_patch (the patch is the call's input); `function`: `{"input": patch}`. */
  kind: 'custom' | 'function';
  name: string;
}

function propertyType(tool: ResponsesTool, property: string): unknown {
  const parameters = tool.parameters as { properties?: Record<string, { type?: unknown }> } | undefined;
  return parameters?.properties?.[property]?.type;
}

const SHELL_TOOL_NAMES = new Set(['exec_command', 'shell_command', 'shell']);

export function shellToolOf(request: ResponsesRequest, items: readonly InputItem[]): ShellTool | undefined {
  for (const tool of collectTools(request, items)) {
    if (tool.type !== 'function' || typeof tool.name !== 'string' || !SHELL_TOOL_NAMES.has(tool.name))
      continue;
    const name = tool.name;
    // Not a login shell where the tool allows it: profile scripts print noise (e.g. pyenv's "cannot rehash" in a
    // read-only sandbox) into the evidence, and the commands need nothing a profile sets up.
    const login = propertyType(tool, 'login') === 'boolean' ? { login: false } : {};
    if (propertyType(tool, 'cmd') === 'string')
      return { name, argumentsFor: (command) => JSON.stringify({ cmd: command, ...login }) };
    if (propertyType(tool, 'command') === 'string')
      return { name, argumentsFor: (command) => JSON.stringify({ command, ...login }) };
    if (propertyType(tool, 'command') === 'array')
      return { name, argumentsFor: (command) => JSON.stringify({ command: ['bash', '-lc', command] }) };
  }
  return undefined;
}

export function editToolOf(request: ResponsesRequest, items: readonly InputItem[]): EditTool | undefined {
  for (const tool of collectTools(request, items)) {
    if (tool.name !== 'apply_patch') continue;
    if (tool.type === 'custom') return { kind: 'custom', name: 'apply_patch' };
    if (tool.type === 'function' && propertyType(tool, 'input') === 'string')
      return { kind: 'function', name: 'apply_patch' };
  }
  return undefined;
}

/** The command line of a shell tool call, whichever shell tool made it; undefined for other calls. */
export function commandOfCall(name: string, args: string): string | undefined {
  if (!SHELL_TOOL_NAMES.has(name)) return undefined;
  try {
    const parsed = JSON.parse(args) as { cmd?: unknown; command?: unknown };
    if (typeof parsed.cmd === 'string') return parsed.cmd;
    if (typeof parsed.command === 'string') return parsed.command;
    if (Array.isArray(parsed.command)) {
      const parts = parsed.command.map(String);
      return parts.length === 3 && /^(?:ba|z)?sh$/.test(parts[0] ?? '') && /^-l?c$/.test(parts[1] ?? '')
        ? parts[2]
        : parts.join(' ');
    }
  } catch {
    // Not JSON: not a call the ledger can describe.
  }
  return undefined;
}

export interface CommandResult {
  exitCode: number | undefined;
  /** The command's output, without Codex's header (chunk id, wall time, token count). */
  body: string;
}

/** Codex reports `…Process exited with code N…Output:\n<output>` (exec_command) or `Exit code: N…Output:\n`. */
export function commandResult(output: string): CommandResult {
  const code = /(?:Process exited with code|Exit code:)\s*(-?\d+)/.exec(output)?.[1];
  const marker = output.indexOf('Output:\n');
  const hasHeader = marker >= 0 && /^(?:Chunk ID|Wall time|Exit code|Process exited)/.test(output);
  return {
    exitCode: code === undefined || !hasHeader ? undefined : Number(code),
    body: hasHeader ? output.slice(marker + 'Output:\n'.length) : output,
  };
}
