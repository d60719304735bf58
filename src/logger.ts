/**
 * JSON logs with pino, to PROXY_LOG_PATH or stderr. Secrets never reach a log line: auth headers and key-like
 * fields of what is logged (its fields, an error) are censored (withoutSecrets), and request bodies are not logged
 * unless PROXY_LOG_BODIES=1. Not looked at: values put into the message itself (`%j`, `%o`) and a child logger's
 * bindings (pino formats those without its formatters); the bridge uses neither.
 */
import { fchmodSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Fields whose values are secrets wherever a line carries them (their names, not their contents, are known). */
const SECRET_FIELDS = new Set(['authorization', 'apiKey', 'api_key', 'token', 'key']);
const CENSOR = '[redacted]';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record with the values of secret fields replaced; the same object when it has none. */
function censorFields(record: Record<string, unknown>, nested: (name: string, value: unknown) => unknown) {
  let copy: Record<string, unknown> | undefined;
  for (const name of Object.keys(record)) {
    const value = record[name];
    const clean = SECRET_FIELDS.has(name) ? (value === undefined ? value : CENSOR) : nested(name, value);
    if (clean === value) continue;
    // The copy keeps the record's prototype, so a toJSON() or an error's class is still what is serialized.
    copy ??= Object.assign(Object.create(Object.getPrototypeOf(record)), record) as Record<string, unknown>;
    copy[name] = clean;
  }
  return copy ?? record;
}

/**
 * A log record without secrets: key-like fields at its top level and one level down, and `headers.authorization`
 * one level further (a request or an upstream call logged with its headers). Only what changes is copied, so the
 * caller's object is never touched and a line with no secret costs a walk over its top two levels. pino's own path
 * redaction did the same and cost most of a request's log line: it parsed its paths and cloned the record on every
 * line.
 */
export function withoutSecrets(record: Record<string, unknown>): Record<string, unknown> {
  return censorFields(record, (name, value) =>
    // An error under `err` is left whole for its serializer (below), which censors what it makes of it.
    isRecord(value) && !(name === 'err' && value instanceof Error)
      ? censorFields(value, (field, inner) =>
          field === 'headers' && isRecord(inner) ? censorFields(inner, (_header, header) => header) : inner,
        )
      : value,
  );
}

/** pino's error serializer, censored; what it makes of a value that is not an error (null, a string) is kept. */
function censoredError(error: Error): unknown {
  const serialized: unknown = pino.stdSerializers.err(error);
  return isRecord(serialized) ? withoutSecrets(serialized) : serialized;
}

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
      formatters: { log: withoutSecrets },
      serializers: { err: censoredError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
