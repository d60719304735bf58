/**
 * The fixes a person applies, worded once: `codex-oss doctor` (src/cli/doctor/) and the dashboard's list of recent
 * problems (src/dashboard/) both take them from here, so the two never drift apart.
 */

export const OPENCODE_KEY_VARIABLE = 'OPENCODE_GO_API_KEY';
export const DEFAULT_BRIDGE_PORT = 4000;

/** Where `codex-oss` keeps things, relative to the project (for fixes the bridge itself words). */
export const PROJECT_ENV_FILE = '.codex-oss/env/opencode-go.env';
export const PROJECT_LOG_FILE = '.codex-oss/logs/bridge.log';

export const WAIT_FOR_LIMIT_RESET = 'wait for the limit to reset (see `codex-oss status`)';

export function upstreamKeyFix(envFile: string): string {
  const key = OPENCODE_KEY_VARIABLE;
  return `put a valid \`${key}=<key>\` in ${envFile} (chmod 600; an exported ${key} wins over it), then restart the bridge`;
}

export function readLogFix(logFile: string): string {
  return `read the bridge's log for the request: tail -n 50 ${logFile}`;
}

export function statusAndLogFix(logFile: string): string {
  return `codex-oss status, and read the log: tail -n 50 ${logFile}`;
}

export function startCommand(mode: 'production' | 'openai', port: number): string {
  return `codex-oss start --detach --mode ${mode}${port === DEFAULT_BRIDGE_PORT ? '' : ` --port ${port}`}`;
}

export function restartCommand(start: string): string {
  return `codex-oss stop && ${start}`;
}

export interface BridgePlace {
  port: number;
  envFile: string;
  logFile: string;
}

const TIMEOUTS = new Set([
  'upstream_first_byte_timeout',
  'upstream_idle_timeout',
  'upstream_timeout',
  'request_deadline_exceeded',
  'upstream_unreachable',
  'timeout',
  'unreachable',
]);

const STALLED_SUBAGENT = new Set([
  'non_terminal_answer',
  'repeated_tool_calls',
  'tool_call_without_tools',
  'exact_output_mismatch',
]);

/** The fix for a failed or incomplete request, by its error code or incomplete reason. */
export function fixFor(code: string, place: BridgePlace): string {
  if (code === 'upstream_authentication_failed')
    return `${upstreamKeyFix(place.envFile)}: ${restartCommand(startCommand('openai', place.port))}`;
  if (code === 'rate_limit_exceeded' || code === 'insufficient_quota') return WAIT_FOR_LIMIT_RESET;
  if (code === 'bridge_busy')
    return 'wait and retry, or raise MAX_GLOBAL_UPSTREAM_CONCURRENCY / MODEL_CONCURRENCY_JSON and restart the bridge';
  if (code === 'model_not_supported') return restartCommand(startCommand('openai', place.port));
  if (code === 'openai_key_missing')
    return 'set OPENAI_API_KEY for the bridge, or forward your Codex sign-in: codex-oss install --auth codex';
  if (code === 'context_length_exceeded')
    return 'the conversation no longer fits the model: start a new Codex session or run /compact';
  if (code === 'max_output_tokens')
    return 'the model hit its output limit: ask for a shorter answer or raise max_output_tokens';
  if (STALLED_SUBAGENT.has(code))
    return 'the model stalled on this task (the guardrail stopped it): run the task again, or give it to oss-deepseek-pro';
  if (TIMEOUTS.has(code)) return statusAndLogFix(place.logFile);
  return readLogFix(place.logFile);
}
