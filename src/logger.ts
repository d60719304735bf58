/**
 * JSON logs with pino, to PROXY_LOG_PATH or stderr. Secrets never reach a log line: auth headers and key-like
 * fields are redacted by path, and request bodies are not logged at all.
 */
import { fchmodSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
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

/**
 * The log file, mode 0600 like the bridge's other private files (a log line names models, paths and errors), with
 * its directory created; a regular file that already exists wider is tightened (a device such as /dev/null is
 * left alone). Opened here, synchronously, rather than by the destination in the background: a bridge that exits
 * right after starting (its port taken) must still be able to flush, and an unopenable path fails the start at
 * once with a clear error.
 */
export function openLogFile(file: string): number {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'a', 0o600);
  if (fstatSync(fd).isFile()) fchmodSync(fd, 0o600);
  return fd;
}

/**
 * Whether lines to this descriptor are written at once: yes for a regular file, where a write lands in the page cache
 * in microseconds, while handing each line to libuv's thread pool (sonic-boom's asynchronous mode) cost a thread
 * wake-up and a callback per line, most of what a log line cost the bridge; a line is then also never lost in a
 * crash. A pipe, terminal or device, which may block, keeps the asynchronous writes.
 */
export function writesAtOnce(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

function fileDestination(fd: number) {
  return pino.destination({ dest: fd, sync: writesAtOnce(fd) });
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.path
    ? fileDestination(openLogFile(options.path))
    : process.stderr.isTTY
      ? terminalStream()
      : fileDestination(2);
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
