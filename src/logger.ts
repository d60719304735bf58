/**
 * JSON logs with pino, to PROXY_LOG_PATH or stderr. Secrets never reach a log line: auth headers and key-like
 * fields are redacted by path, and request bodies are not logged at all.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'token',
  '*.token',
  'key',
  '*.key',
];

export interface LoggerOptions {
  level: string;
  path: string | undefined;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const QUIET_KEYS = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

/** One JSON log line as a short human line: `12:00:01 INFO  response model=… status=…`. */
export function humanLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof record.time === 'string' ? record.time.slice(11, 19) : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !QUIET_KEYS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const level = LEVEL_NAMES[record.level as number] ?? String(record.level);
  return [time, level, record.msg, ...fields].filter(Boolean).join(' ');
}

/** Human-readable lines for a person watching a terminal; JSON everywhere else. */
function terminalStream(): { write(chunk: string): void } {
  return {
    write(chunk) {
      for (const line of chunk.split('\n')) if (line) process.stderr.write(`${humanLine(line)}\n`);
    },
  };
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.path
    ? pino.destination({ dest: options.path, mkdir: true, sync: false })
    : process.stderr.isTTY
      ? terminalStream()
      : pino.destination(2);
  return pino(
    {
      level: options.level,
      base: { service: 'opencode-bridge' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
