/**
 * Moving from the original (Python) bridge: every variable of its documented table is either honoured under the
 * same name or, when set, named at start with what replaces it (README "Moving from the original bridge").
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, RETIRED_VARIABLES, retiredVariableWarnings } from './config.ts';

const CWD = '/home/user/project';
const BASE = { OPENCODE_GO_API_KEY: 'sk-go-test' };

/** The original bridge's documented variables, each with a valid value that differs from this bridge's default. */
const ORIGINAL_VARIABLES: Readonly<Record<string, string>> = {
  OPENCODE_GO_API_KEY: 'sk-other',
  OPENCODE_GO_BASE_URL: 'http://127.0.0.1:9/v1',
  ALLOW_MISSING_OPENCODE_KEY: '1',
  PROXY_API_KEY: 'sk-proxy',
  LITELLM_MASTER_KEY: 'sk-litellm',
  PROXY_PORT: '4100',
  PROXY_STATE_DB: '/tmp/state.sqlite3',
  PROXY_LOG_PATH: '/tmp/bridge.log',
  MODEL_MAP_JSON: '{"fast":"deepseek-v4-flash"}',
  FALLBACK_MODEL_MAP_JSON: '{"deepseek-v4-pro":"deepseek-v4-flash"}',
  UPSTREAM_TIMEOUT_SECONDS: '120',
  UPSTREAM_RETRIES: '1',
  UPSTREAM_STREAM: '0',
  UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS: '20',
  UPSTREAM_IDLE_TIMEOUT_SECONDS: '20',
  REQUEST_DEADLINE_SECONDS: '90',
  SSE_CHUNK_SIZE: '256',
  SSE_UPSTREAM_HEARTBEAT_SECONDS: '2',
  GPT_MODEL_STRATEGY: 'oss',
  GPT_MODEL_OSS_FALLBACK: 'kimi-k2.6',
  OPENAI_API_KEY: 'sk-openai',
  MAX_GLOBAL_UPSTREAM_CONCURRENCY: '3',
  MODEL_CONCURRENCY_JSON: '{"kimi-k2.6":2}',
  CIRCUIT_BREAKER_ERRORS: '3',
  CIRCUIT_BREAKER_COOLDOWN: '60',
  FORCE_SINGLE_TOOL_INSTRUCTIONS: '1',
  OSS_MAX_TOOL_TURNS: '4',
  OSS_NATIVE_MAX_TOOL_EXCHANGES: '2',
  CONTINUATION_TOOLS: 'same',
  CONTINUATION_MODEL: 'deepseek-v4-flash',
  CONTINUATION_FALLBACK_MODELS: 'kimi-k2.6',
  CONTINUATION_DEADLINE_SECONDS: '45',
  WRITE_RESULT_MODE: 'deterministic',
  MAX_TOOL_OUTPUT_CHARS: '10000',
  CONTEXT_PACK_MAX_CHARS: '12000',
  DEGRADED_COMPLETION_ON_TIMEOUT: '0',
  EXPOSE_EMPTY_REASONING_ITEM: '0',
  STRIP_TOOLS: '1',
};

/** Whether setting the variable changes what the bridge does (ALLOW_MISSING_OPENCODE_KEY: starting without a key). */
function honoured(name: string, value: string): boolean {
  if (name === 'ALLOW_MISSING_OPENCODE_KEY') {
    const startsWithoutKey = (env: Record<string, string>) => {
      try {
        loadConfig(env, CWD);
        return true;
      } catch (error) {
        if (error instanceof ConfigError) return false;
        throw error;
      }
    };
    return !startsWithoutKey({}) && startsWithoutKey({ [name]: value });
  }
  return (
    JSON.stringify(loadConfig({ ...BASE, [name]: value }, CWD)) !== JSON.stringify(loadConfig(BASE, CWD))
  );
}

describe('the original bridge’s variables', () => {
  it.each(Object.entries(ORIGINAL_VARIABLES))(
    '%s is honoured or named at start with its replacement',
    (name, value) => {
      const warnings = retiredVariableWarnings({ [name]: value });
      if (name in RETIRED_VARIABLES) {
        expect(warnings).toEqual([
          `${name} is ignored (a setting of the original bridge): ${RETIRED_VARIABLES[name]}.`,
        ]);
        expect(honoured(name, value)).toBe(false);
      } else {
        expect(warnings).toEqual([]);
        expect(honoured(name, value)).toBe(true);
      }
    },
  );

  it('names exactly SSE_CHUNK_SIZE, CONTINUATION_DEADLINE_SECONDS and WRITE_RESULT_MODE as retired', () => {
    expect(Object.keys(RETIRED_VARIABLES).sort()).toEqual([
      'CONTINUATION_DEADLINE_SECONDS',
      'SSE_CHUNK_SIZE',
      'WRITE_RESULT_MODE',
    ]);
  });

  it('are all in the README, the retired ones with what replaces them', () => {
    const readme = readFileSync(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Moving from the original bridge'));
    for (const name of Object.keys(ORIGINAL_VARIABLES)) expect(readme).toContain(`\`${name}\``);
    for (const name of Object.keys(RETIRED_VARIABLES)) expect(section).toContain(`\`${name}\``);
  });
});

describe('the bridge at start', () => {
  it('names each retired variable it finds, one warning line each', async () => {
    const state = mkdtempSync(path.join(tmpdir(), 'retired-variables-'));
    const bridge = spawn(process.execPath, [path.join(import.meta.dirname, 'bin', 'opencode-bridge.ts')], {
      env: {
        PATH: process.env.PATH ?? '',
        ALLOW_MISSING_OPENCODE_KEY: '1',
        PROXY_PORT: '0',
        PROXY_API_KEY: 'sk-local',
        PROXY_STATE_DB: path.join(state, 'bridge.sqlite3'),
        PROXY_LOG_PATH: path.join(state, 'bridge.log'),
        SSE_CHUNK_SIZE: '256',
        WRITE_RESULT_MODE: 'deterministic',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    try {
      await new Promise<void>((resolve, reject) => {
        bridge.stderr.on('data', (chunk) => {
          stderr += chunk;
          if (stderr.includes('listening on')) resolve();
        });
        bridge.once('exit', (code) => reject(new Error(`bridge exited (${code}):\n${stderr}`)));
      });
    } finally {
      bridge.kill('SIGKILL');
      rmSync(state, { recursive: true, force: true });
    }
    const warnings = stderr.split('\n').filter((line) => line.startsWith('opencode-bridge: warning: '));
    expect(warnings).toEqual([
      `opencode-bridge: warning: SSE_CHUNK_SIZE is ignored (a setting of the original bridge): ${RETIRED_VARIABLES.SSE_CHUNK_SIZE}.`,
      `opencode-bridge: warning: WRITE_RESULT_MODE is ignored (a setting of the original bridge): ${RETIRED_VARIABLES.WRITE_RESULT_MODE}.`,
    ]);
  }, 60_000);
});
