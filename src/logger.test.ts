import { chmodSync, closeSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, humanLine, openLogFile, writesAtOnce } from './logger.ts';

describe('humanLine', () => {
  it('shows time, level, message and the fields that matter', () => {
    const line = humanLine(
      JSON.stringify({
        level: 30,
        time: '2026-11-25T12:00:01.000Z',
        service: 'opencode-bridge',
        msg: 'response',
        model: 'ocg-x',
        usage: { input_tokens: 3 },
      }),
    );
    expect(line).toBe('12:00:01 INFO  response model=ocg-x usage={"input_tokens":3}');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(humanLine('not json')).toBe('not json');
  });
});

describe('the log file', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ocb-log-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is created with mode 0600, its directory too', () => {
    const file = path.join(tempDir(), 'nested', 'logs', 'bridge.log');
    const logger = createLogger({ level: 'info', path: file });
    logger.info('hello');
    logger.flush();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('tightens an existing log file that others could read, and appends to it', () => {
    const file = path.join(tempDir(), 'bridge.log');
    writeFileSync(file, 'earlier line\n');
    chmodSync(file, 0o644);
    closeSync(openLogFile(file));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('earlier line\n');
  });

  it('holds each line by the time the call returns, with no flush', () => {
    const file = path.join(tempDir(), 'bridge.log');
    const logger = createLogger({ level: 'info', path: file });
    for (const n of [1, 2, 3]) {
      logger.info({ n }, 'response');
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines.map((line) => JSON.parse(line).n)).toEqual([1, 2, 3].slice(0, n));
    }
  });

  it('writes at once only to a regular file, not to a device (nor a pipe or terminal)', () => {
    const file = openLogFile(path.join(tempDir(), 'bridge.log'));
    const device = openLogFile('/dev/null');
    try {
      expect(writesAtOnce(file)).toBe(true);
      expect(writesAtOnce(device)).toBe(false);
    } finally {
      closeSync(file);
      closeSync(device);
    }
  });

  it('leaves a device such as /dev/null as it is', () => {
    const before = statSync('/dev/null').mode;
    closeSync(openLogFile('/dev/null'));
    expect(statSync('/dev/null').mode).toBe(before);
  });
});

describe('secrets in log lines', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  /** Logs one line with the real logger to a real file and reads it back. */
  const logged = (fields: Record<string, unknown>): Record<string, unknown> => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ocb-log-'));
    dirs.push(dir);
    const file = path.join(dir, 'bridge.log');
    createLogger({ level: 'info', path: file }).info(fields, 'line');
    return JSON.parse(readFileSync(file, 'utf8').trim()) as Record<string, unknown>;
  };
  const SECRET = 'sk-secret-0123456789';

  it('hides key-like fields at the top of a line', () => {
    const line = logged({
      authorization: `Bearer ${SECRET}`,
      apiKey: SECRET,
      api_key: SECRET,
      token: SECRET,
      key: SECRET,
    });
    expect(line).toMatchObject({
      authorization: '[redacted]',
      apiKey: '[redacted]',
      api_key: '[redacted]',
      token: '[redacted]',
      key: '[redacted]',
    });
    expect(JSON.stringify(line)).not.toContain(SECRET);
  });

  it('hides them one level down, and authorization headers two levels down', () => {
    const line = logged({
      upstream: { apiKey: SECRET, baseUrl: 'http://127.0.0.1:1/v1' },
      headers: { authorization: `Bearer ${SECRET}`, accept: 'text/event-stream' },
      request: { headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' } },
    });
    expect(line).toMatchObject({
      upstream: { apiKey: '[redacted]', baseUrl: 'http://127.0.0.1:1/v1' },
      headers: { authorization: '[redacted]', accept: 'text/event-stream' },
      request: { headers: { authorization: '[redacted]', 'content-type': 'application/json' } },
    });
    expect(JSON.stringify(line)).not.toContain(SECRET);
  });

  it('keeps every other field as it was, and leaves the logged object unchanged', () => {
    const fields = {
      requestId: 'req_1',
      usage: { input_tokens: 3, output_tokens_details: { reasoning_tokens: 1 } },
      tokens: 12,
      keys: ['a'],
      upstream: { apiKey: SECRET },
      attempts: [{ model: 'kimi-k2.6', outcome: 'success' }],
    };
    const before = structuredClone(fields);
    const line = logged(fields);
    expect(fields).toEqual(before);
    expect(line).toMatchObject({
      requestId: 'req_1',
      usage: { input_tokens: 3, output_tokens_details: { reasoning_tokens: 1 } },
      tokens: 12,
      keys: ['a'],
      attempts: [{ model: 'kimi-k2.6', outcome: 'success' }],
    });
  });

  it('keeps a censored object’s own serialization (toJSON), and logs an err that is not an error', () => {
    class Credential {
      readonly key: string;
      readonly hidden: string;
      constructor(key: string, hidden: string) {
        this.key = key;
        this.hidden = hidden;
      }
      toJSON() {
        return { key: this.key };
      }
    }
    const line = logged({ credential: new Credential(SECRET, 'private detail'), err: null });
    expect(line.credential).toEqual({ key: '[redacted]' });
    expect(line.err).toBeNull();
    expect(JSON.stringify(line)).not.toContain('private detail');
  });

  it("hides an error's key-like properties too", () => {
    const error = Object.assign(new Error('upstream refused the key'), { apiKey: SECRET });
    const line = logged({ err: error });
    expect(line.err).toMatchObject({ message: 'upstream refused the key', apiKey: '[redacted]' });
    expect(JSON.stringify(line)).not.toContain(SECRET);
  });
});
