import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Config, ConfigError, loadConfig } from './config.ts';

const CWD = '/home/user/project';
const KEY = { OPENCODE_GO_API_KEY: 'sk-go-test' };

function load(env: Record<string, string> = {}): Config {
  return loadConfig({ ...KEY, ...env }, CWD);
}

/** The ConfigError that loading throws; fails the test if loading succeeds. */
function problemsOf(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env, CWD);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig defaults (the README configuration tables)', () => {
  const config = load();

  it('listens on 127.0.0.1:4000', () => {
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 4000 });
  });

  it('talks to OpenCode Go, streaming', () => {
    expect(config.upstream).toEqual({
      baseUrl: 'https://opencode.ai/zen/go/v1',
      apiKey: 'sk-go-test',
      stream: true,
    });
  });

  it('sends a heartbeat every 5 seconds', () => {
    expect(config.heartbeatSeconds).toBe(5);
  });

  it('refuses GPT models, falling back to deepseek-v4-pro when told to alias them', () => {
    expect(config.gpt).toMatchObject({ strategy: 'error', ossFallback: 'deepseek-v4-pro' });
  });

  it('exposes empty reasoning items and keeps tools', () => {
    expect(config.exposeEmptyReasoningItem).toBe(true);
    expect(config.stripTools).toBe(false);
  });

  it('keeps its state in the project under .codex-oss/state', () => {
    expect(config.state.dbPath).toBe(path.join(CWD, '.codex-oss', 'state', 'bridge.sqlite3'));
    expect(config.state.dir).toBe(path.join(CWD, '.codex-oss', 'state'));
  });

  it('has no proxy key and no model map of its own', () => {
    expect(config.proxyApiKey).toBeUndefined();
    expect(config.modelMap).toEqual({});
  });
});

describe('loadConfig: the upstream key', () => {
  it('fails without OPENCODE_GO_API_KEY, saying how to set it', () => {
    const error = problemsOf({});

    expect(error.message).toContain('OPENCODE_GO_API_KEY is not set');
    expect(error.message).toContain('export OPENCODE_GO_API_KEY=');
  });

  it('treats a blank key as missing', () => {
    expect(problemsOf({ OPENCODE_GO_API_KEY: '   ' }).message).toContain('OPENCODE_GO_API_KEY is not set');
  });

  it('starts without a key when ALLOW_MISSING_OPENCODE_KEY=1', () => {
    expect(loadConfig({ ALLOW_MISSING_OPENCODE_KEY: '1' }, CWD).upstream.apiKey).toBeUndefined();
  });

  it('still fails when ALLOW_MISSING_OPENCODE_KEY=0', () => {
    expect(problemsOf({ ALLOW_MISSING_OPENCODE_KEY: '0' }).message).toContain(
      'OPENCODE_GO_API_KEY is not set',
    );
  });
});

describe('loadConfig: the key Codex sends', () => {
  it('takes PROXY_API_KEY over LITELLM_MASTER_KEY', () => {
    expect(load({ PROXY_API_KEY: 'sk-proxy', LITELLM_MASTER_KEY: 'sk-litellm' }).proxyApiKey).toBe(
      'sk-proxy',
    );
  });

  it('falls back to LITELLM_MASTER_KEY', () => {
    expect(load({ LITELLM_MASTER_KEY: 'sk-local-codex-bridge' }).proxyApiKey).toBe('sk-local-codex-bridge');
  });

  it('falls back to LITELLM_MASTER_KEY when PROXY_API_KEY is empty', () => {
    expect(load({ PROXY_API_KEY: '', LITELLM_MASTER_KEY: 'sk-litellm' }).proxyApiKey).toBe('sk-litellm');
  });
});

describe('loadConfig: values it accepts', () => {
  it('reads the port, host and heartbeat', () => {
    const config = load({ PROXY_PORT: '8123', PROXY_HOST: '0.0.0.0', SSE_UPSTREAM_HEARTBEAT_SECONDS: '0.5' });

    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 8123 });
    expect(config.heartbeatSeconds).toBe(0.5);
  });

  it('accepts port 0 (any free port)', () => {
    expect(load({ PROXY_PORT: '0' }).server.port).toBe(0);
  });

  it.each([
    ['0', false],
    ['false', false],
    ['off', false],
    ['1', true],
    ['TRUE', true],
    ['yes', true],
  ])('reads UPSTREAM_STREAM=%s as %s', (value, stream) => {
    expect(load({ UPSTREAM_STREAM: value }).upstream.stream).toBe(stream);
  });

  it('drops trailing slashes from OPENCODE_GO_BASE_URL', () => {
    expect(load({ OPENCODE_GO_BASE_URL: 'http://127.0.0.1:9000/v1//' }).upstream.baseUrl).toBe(
      'http://127.0.0.1:9000/v1',
    );
  });

  it.each(['error', 'oss', 'openai', 'OSS'])('accepts GPT_MODEL_STRATEGY=%s', (strategy) => {
    expect(load({ GPT_MODEL_STRATEGY: strategy }).gpt.strategy).toBe(strategy.toLowerCase());
  });

  it('reads MODEL_MAP_JSON entries given as upstream names', () => {
    expect(load({ MODEL_MAP_JSON: '{"my-coder":"deepseek-v4-flash"}' }).modelMap).toEqual({
      'my-coder': { upstream: 'deepseek-v4-flash' },
    });
  });

  it('reads MODEL_MAP_JSON entries given as objects with family and wire', () => {
    const map = '{"local-qwen":{"upstream":"Qwen/Qwen3-Coder","family":"qwen","wire":"chat"}}';

    expect(load({ MODEL_MAP_JSON: map }).modelMap).toEqual({
      'local-qwen': { upstream: 'Qwen/Qwen3-Coder', family: 'qwen', wire: 'chat' },
    });
  });

  it('resolves a relative PROXY_STATE_DB against the working directory', () => {
    const config = load({ PROXY_STATE_DB: 'state/bridge.db' });

    expect(config.state.dbPath).toBe(path.join(CWD, 'state', 'bridge.db'));
    expect(config.state.dir).toBe(path.join(CWD, 'state'));
  });

  it('keeps an absolute PROXY_STATE_DB as it is', () => {
    expect(load({ PROXY_STATE_DB: '/var/lib/ocb/state.db' }).state.dbPath).toBe('/var/lib/ocb/state.db');
  });
});

describe('loadConfig: invalid values', () => {
  it.each([
    ['PROXY_PORT', '70000'],
    ['PROXY_PORT', 'abc'],
    ['PROXY_PORT', '40.5'],
    ['PROXY_PORT', '-1'],
    ['UPSTREAM_STREAM', 'maybe'],
    ['GPT_MODEL_STRATEGY', 'bogus'],
    ['OPENCODE_GO_BASE_URL', 'ftp://x'],
    ['OPENCODE_GO_BASE_URL', 'not a url'],
    ['SSE_UPSTREAM_HEARTBEAT_SECONDS', '0'],
    ['EXPOSE_EMPTY_REASONING_ITEM', '2'],
    ['MODEL_MAP_JSON', '{not json'],
    ['MODEL_MAP_JSON', '["deepseek-v4-pro"]'],
    ['MODEL_MAP_JSON', '{"my-coder": 42}'],
    ['MODEL_MAP_JSON', '{"my-coder": {"upstream": "x", "family": "llama"}}'],
    ['MODEL_MAP_JSON', '{"my-coder": {"upstream": "x", "extra": true}}'],
  ])('refuses %s=%s with a ConfigError naming the variable', (name, value) => {
    const error = problemsOf({ ...KEY, [name]: value });

    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(name);
  });

  it('quotes the value it refused', () => {
    expect(problemsOf({ ...KEY, PROXY_PORT: 'abc' }).problems[0]).toContain('"abc"');
  });

  it('says where in MODEL_MAP_JSON the shape is wrong', () => {
    expect(problemsOf({ ...KEY, MODEL_MAP_JSON: '{"my-coder": 42}' }).problems[0]).toContain('my-coder');
  });

  it('accepts per-model caps up to 1000 and says the range when one is above it (README)', () => {
    expect(load({ MODEL_CONCURRENCY_JSON: '{"kimi-k2.6": 1000}' }).resilience.concurrency.perModel).toEqual({
      'kimi-k2.6': 1000,
    });
    expect(problemsOf({ ...KEY, MODEL_CONCURRENCY_JSON: '{"kimi-k2.6": 1001}' }).problems[0]).toContain(
      'an integer cap from 1 to 1000',
    );
  });

  it('reports every problem at once', () => {
    const error = problemsOf({
      PROXY_PORT: '70000',
      UPSTREAM_STREAM: 'maybe',
      GPT_MODEL_STRATEGY: 'bogus',
      MODEL_MAP_JSON: '{',
    });

    expect(error.problems).toHaveLength(5);
    for (const name of [
      'OPENCODE_GO_API_KEY',
      'PROXY_PORT',
      'UPSTREAM_STREAM',
      'GPT_MODEL_STRATEGY',
      'MODEL_MAP_JSON',
    ]) {
      expect(error.message).toContain(name);
    }
  });

  it('lists the problems one per line in its message', () => {
    const error = problemsOf({ ...KEY, PROXY_PORT: 'abc', UPSTREAM_STREAM: 'maybe' });

    expect(error.message.split('\n')).toEqual([
      'Invalid configuration:',
      expect.stringMatching(/^ {2}- PROXY_PORT/),
      expect.stringMatching(/^ {2}- UPSTREAM_STREAM/),
    ]);
  });
});
