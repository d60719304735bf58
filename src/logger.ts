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

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.path
    ? pino.destination({ dest: options.path, mkdir: true, sync: false })
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

/** A logger that drops everything: for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
