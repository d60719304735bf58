/**
 * What `opencode run --format json` prints on stdout (OpenCode 1.18): one JSON object a line, `type` one of
 * `text` (a finished text part), `tool_use` (a tool call that completed or failed), `step_start`, `step_finish`,
 * `reasoning` and `error` (the session failed). Parsed into a closed union; anything else is `other` and kept,
 * so a line OpenCode adds later is shown rather than lost (docs/opencode-cli.md#opencode-run).
 */

export type ToolStatus = 'completed' | 'error';

export type RunEvent =
  | { type: 'text'; text: string }
  | {
      type: 'tool';
      tool: string;
      status: ToolStatus;
      input: Readonly<Record<string, unknown>>;
      error: string | undefined;
    }
  | { type: 'error'; name: string; message: string; statusCode: number | undefined }
  | { type: 'step' }
  | { type: 'other'; line: string };

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function toolEvent(part: Record<string, unknown>, line: string): RunEvent {
  const state = record(part.state);
  const status = state.status;
  const tool = text(part.tool);
  if (tool === undefined || (status !== 'completed' && status !== 'error')) return { type: 'other', line };
  return { type: 'tool', tool, status, input: record(state.input), error: text(state.error) };
}

function errorEvent(error: Record<string, unknown>): RunEvent {
  const data = record(error.data);
  const statusCode = typeof data.statusCode === 'number' ? data.statusCode : undefined;
  return {
    type: 'error',
    name: text(error.name) ?? 'Error',
    message: text(data.message) ?? text(error.message) ?? '',
    statusCode,
  };
}

export function parseRunEvent(line: string): RunEvent {
  let parsed: Record<string, unknown>;
  try {
    parsed = record(JSON.parse(line));
  } catch {
    return { type: 'other', line };
  }
  switch (parsed.type) {
    case 'text':
      return { type: 'text', text: text(record(parsed.part).text) ?? '' };
    case 'tool_use':
      return toolEvent(record(parsed.part), line);
    case 'error':
      return errorEvent(record(parsed.error));
    case 'step_start':
    case 'step_finish':
    case 'reasoning':
      return { type: 'step' };
    default:
      return { type: 'other', line };
  }
}

/** `error="…"` of an OpenCode log line (`timestamp=… level=ERROR … error="ProviderModelNotFoundError: …"`). */
export function loggedError(line: string): string | undefined {
  if (!/^timestamp=\S+ level=ERROR /.test(line)) return undefined;
  const match = / error="((?:[^"\\]|\\.)*)"/.exec(line);
  return match?.[1]?.replace(/\\(.)/g, '$1');
}

export function isLogLine(line: string): boolean {
  return /^timestamp=\S+ level=[A-Z]+ /.test(line);
}
