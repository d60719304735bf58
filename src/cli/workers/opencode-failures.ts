/**
 * One line that says what went wrong in an `opencode run` and how to fix it. OpenCode 1.18 reports a missing
 * provider key and an unknown model alike as `UnknownError … Check server logs for details`; the cause is only in
 * its log (`--print-logs` puts it on stderr): `ProviderModelNotFoundError: Model not found: opencode-go/<id>. Did
 * you mean: …?`. When the suggestions include the very id asked for, the model exists but the provider is not
 * enabled — OpenCode has no key for it (docs/opencode-cli.md#errors).
 */

export interface RunError {
  name: string;
  message: string;
  statusCode: number | undefined;
}

export interface FailureContext {
  command: string;
  model: string;
}

const KEY_FIX =
  'set OPENCODE_GO_API_KEY to your OpenCode Go key (the one the bridge uses), or run `opencode auth login` and ' +
  'choose OpenCode Go';

interface ModelNotFound {
  model: string;
  suggestions: string[];
}

export function modelNotFound(logged: string): ModelNotFound | undefined {
  const match =
    /ProviderModelNotFoundError: Model not found: opencode-go\/([^\s]+?)\.(?: Did you mean: (.*?)\?)?$/m.exec(
      logged,
    );
  if (!match?.[1]) return undefined;
  const suggestions = (match[2] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return { model: match[1], suggestions };
}

function fromLog(logged: readonly string[], context: FailureContext): string | undefined {
  for (const line of logged) {
    const notFound = modelNotFound(line);
    if (!notFound) continue;
    if (notFound.suggestions.includes(notFound.model))
      return `${context.command}: OpenCode has no key for OpenCode Go: ${KEY_FIX}.`;
    const hint = notFound.suggestions.length > 0 ? ` (did you mean ${notFound.suggestions.join(', ')}?)` : '';
    return (
      `${context.command}: OpenCode Go has no model '${notFound.model}'${hint}; ` +
      'pass --model with one listed by `opencode models opencode-go`.'
    );
  }
  const cause = logged.at(-1);
  return cause ? `${context.command}: opencode failed: ${firstLine(cause)}` : undefined;
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

export function explainFailure(error: RunError, logged: readonly string[], context: FailureContext): string {
  const { command, model } = context;
  const detail = firstLine(error.message);
  if (error.name === 'UnknownError') {
    return (
      fromLog(logged, context) ??
      `${command}: opencode failed (${detail || error.name}); see its log in ~/.local/share/opencode/log/.`
    );
  }
  switch (error.statusCode) {
    case 401:
    case 403:
      return `${command}: OpenCode Go refused the key (HTTP ${error.statusCode}: ${detail}): ${KEY_FIX}.`;
    case 429:
      return `${command}: OpenCode Go is rate-limiting ${model} (HTTP 429: ${detail}); try again later or pass another --model.`;
    case undefined:
      return `${command}: opencode failed: ${error.name}${detail ? `: ${detail}` : ''}`;
    default:
      return `${command}: OpenCode Go answered HTTP ${error.statusCode} for ${model}: ${detail || error.name}`;
  }
}
