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
