/**
 * The small pure parts of start / stop / status: the key file, the bridge's run arguments, the bridge entry and
 * the status table.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bridgeEntry } from '../../src/cli/daemon/bridge-entry.ts';
import {
  DEFAULT_DRAIN_SECONDS,
  formatBridgeRunArgs,
  isBridgeCommandLine,
  parseBridgeRunArgs,
} from '../../src/cli/daemon/bridge-run-args.ts';
import { parseEnvText } from '../../src/cli/daemon/env-file.ts';
import { modeProblems } from '../../src/cli/daemon/start-mode.ts';
import type { RunningStatus } from '../../src/cli/daemon/status-report.ts';
import { formatUptime, statusTable } from '../../src/cli/daemon/status-table.ts';

describe('the start modes', () => {
  it('refuses production without an OpenCode Go key, naming the key file', () => {
    expect(modeProblems('production', {}, '/p/.codex-oss/env').join('\n')).toContain('/p/.codex-oss/env');
    expect(modeProblems('production', { OPENCODE_GO_API_KEY: 'k' }, '/p/.codex-oss/env')).toEqual([]);
  });

  it("starts openai mode without OPENAI_API_KEY (the caller's Codex sign-in may be forwarded)", () => {
    expect(modeProblems('openai', { OPENCODE_GO_API_KEY: 'k' }, '/p/env')).toEqual([]);
  });
});

describe('the key file', () => {
  it('reads KEY=value lines with export prefixes, quotes and comments', () => {
    const text = [
      '# OpenCode Go',
      'OPENCODE_GO_API_KEY=sk-abc',
      'export OPENAI_API_KEY="sk-openai # not a comment"',
      "OTHER='single'",
      'PLAIN=value # trailing comment',
      'not a line',
      '',
    ].join('\n');
    expect(parseEnvText(text)).toEqual({
      OPENCODE_GO_API_KEY: 'sk-abc',
      OPENAI_API_KEY: 'sk-openai # not a comment',
      OTHER: 'single',
      PLAIN: 'value',
    });
  });
});

describe('the bridge run arguments', () => {
  it('round-trip the instance id and drain deadline', () => {
    const args = formatBridgeRunArgs({ instanceId: 'abc-123', drainSeconds: 7 });
    expect(parseBridgeRunArgs(['--other', ...args])).toEqual({ instanceId: 'abc-123', drainSeconds: 7 });
  });

  it('default to no instance id and the default drain deadline', () => {
    expect(parseBridgeRunArgs([])).toEqual({ instanceId: undefined, drainSeconds: DEFAULT_DRAIN_SECONDS });
  });

  it('recognise our bridge only with its own instance id', () => {
    const line = `/usr/bin/node /opt/pkg/bin/opencode-bridge.js ${formatBridgeRunArgs({ instanceId: 'abc', drainSeconds: 1 }).join(' ')}`;
    expect(isBridgeCommandLine(line, 'abc')).toBe(true);
    expect(isBridgeCommandLine(line, 'abd')).toBe(false);
    expect(isBridgeCommandLine('sleep 100 --instance-id=abc', 'abc')).toBe(false);
  });
});

describe('the bridge entry', () => {
  it('is the TypeScript source when running from src', () => {
    expect(bridgeEntry()).toBe(path.resolve('src/bin/opencode-bridge.ts'));
  });

  it('is the compiled file next to a compiled module', () => {
    const compiledModule = pathToFileURL(path.resolve('dist/cli/daemon/bridge-entry.js')).href;
    if (existsSync(path.resolve('dist/bin/opencode-bridge.js'))) {
      expect(bridgeEntry(compiledModule)).toBe(path.resolve('dist/bin/opencode-bridge.js'));
    } else {
      expect(() => bridgeEntry(compiledModule)).toThrow('reinstall the package');
    }
  });
});

describe('the status table', () => {
  const status: RunningStatus = {
    running: true,
    pid: 42,
    url: 'http://127.0.0.1:4000/v1',
    mode: 'production',
    version: '1.2.3',
    instance_id: 'id',
    started_at: '2026-01-01T00:00:00.000Z',
    uptime_seconds: 3725,
    log_file: '/p/.codex-oss/logs/bridge.log',
    models: [
      {
        model: 'deepseek-v4-pro',
        status: 'degraded: circuit open',
        circuit: 'open',
        consecutive_failures: 2,
        retry_at: '2026-01-01T01:05:00.000Z',
        active_requests: 1,
        concurrency_cap: 1,
      },
    ],
    concurrency: { active: 1, global_cap: 2, queued: 3, queue_max: 64 },
    usage: [
      {
        model: 'deepseek-v4-pro',
        window: '5h',
        requests: 34,
        request_limit: 3400,
        percent_of_limit: 1,
        input_tokens: 123_456,
        output_tokens: 789,
      },
    ],
  };

  it('shows health, breaker, concurrency and usage next to the limit', () => {
    const table = statusTable(status);
    expect(table).toContain('opencode-bridge 1.2.3 is running (pid 42, mode production, up 1h 02m)');
    expect(table).toContain('concurrency  1 of 2 upstream calls in use, 3 queued (max 64)');
    expect(table).toMatch(
      /deepseek-v4-pro\s+degraded\s+open until 01:05:00\s+1\/1\s+34 \/ 3400 \(1%\)\s+123k \/ 789/,
    );
  });

  it('formats uptimes people can read', () => {
    expect(formatUptime(5)).toBe('5s');
    expect(formatUptime(65)).toBe('1m 05s');
    expect(formatUptime(90_000)).toBe('1d 1h');
    expect(formatUptime(null)).toBe('unknown');
  });
});
