/**
 * The one place that reads the environment. `loadConfig` turns variables into a typed, validated Config once, at
 * start; an invalid value fails with a message naming the variable. Names and defaults keep the original bridge's
 * where it had one; README.md lists them all.
 */
import path from 'node:path';
import { z } from 'zod';
import type { ModelMapEntry } from './models/catalog.ts';
import { DEFAULT_FALLBACKS, type FallbackMap } from './models/fallbacks.ts';

export type GptModelStrategy = 'error' | 'oss' | 'openai';

export interface Config {
  server: {
    host: string;
    port: number;
    maxBodyBytes: number;
  };
  upstream: {
    baseUrl: string;
    apiKey: string | undefined;
    stream: boolean;
  };
  /** Key Codex must send; undefined = use the generated local token in the state directory. */
  proxyApiKey: string | undefined;
  state: {
    dbPath: string;
    dir: string;
    ttlSeconds: number;
    maxRows: number;
    maxBytes: number;
  };
  logPath: string | undefined;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Log prompts, tool content and answers (off by default: they may hold secrets from the user's code). */
  logBodies: boolean;
  modelMap: Record<string, ModelMapEntry>;
  heartbeatSeconds: number;
  gpt: {
    strategy: GptModelStrategy;
    ossFallback: string;
    openaiApiKey: string | undefined;
    openaiBaseUrl: string;
    /** Where GPT requests signed in with a ChatGPT account go (Codex sends `chatgpt-account-id` then). */
    chatgptBaseUrl: string;
    /** OSS model for Codex subagents that arrive with a GPT model (full-history forks); unset = the strategy applies. */
    subagentAlias: string | undefined;
  };
  stripTools: boolean;
  exposeEmptyReasoningItem: boolean;
  resilience: ResilienceConfig;
  guardrails: GuardrailsConfig;
}

/** Guardrails for open models working as Codex subagents (README "Subagent guardrails"). */
export interface GuardrailsConfig {
  /** Which requests get them: Codex subagents (x-openai-subagent: collab_spawn), all OSS requests, or none. */
  scope: 'subagents' | 'all' | 'off';
  maxToolOutputChars: number;
  maxToolOutputLines: number;
  /** Tool turns (assistant turns with tool calls) since the task began before tools are withdrawn. */
  maxToolTurns: number;
  /** Tool calls forwarded per model turn when single-tool instructions are on. */
  maxToolCallsPerTurn: number;
  forceSingleTool: boolean;
  suppressDuplicateCalls: boolean;
  retryNonTerminalAnswers: boolean;
  /** Tools on the turn after the budget is spent: `none` = a no-tools finalization turn. */
  continuationTools: 'none' | 'same';
  continuationModel: string | undefined;
  continuationFallbackModels: string[];
  contextPackMaxChars: number;
}

export interface ResilienceConfig {
  /** Retries per model on transient errors, before any output. */
  retries: number;
  retryAfterMaxSeconds: number;
  fallbacks: FallbackMap;
  breaker: { errors: number; cooldownSeconds: number };
  concurrency: {
    global: number;
    perModel: Record<string, number>;
    queueMax: number;
    queueTimeoutSeconds: number;
  };
  timeouts: {
    firstByteSeconds: number;
    idleSeconds: number;
    upstreamSeconds: number;
    requestDeadlineSeconds: number;
  };
  /** After partial output, a timeout ends the response `incomplete` (1) rather than `failed` (0). */
  degradedCompletionOnTimeout: boolean;
}

export const DEFAULT_MODEL_CONCURRENCY: Readonly<Record<string, number>> = {
  'deepseek-v4-pro': 1,
  'deepseek-v4-flash': 2,
  'kimi-k2.6': 1,
  'kimi-k2.5': 1,
};

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

const fallbackMapSchema = z.record(
  z.string().min(1),
  z.union([z.string().min(1), z.array(z.string().min(1))]),
);
/** Per-model caps: 1 to 1000 (README states the range). */
const MAX_MODEL_CAP = 1000;
const concurrencySchema = z.record(z.string().min(1), z.number().int().min(1).max(MAX_MODEL_CAP));

const modelMapSchema = z.record(
  z.string().min(1),
  z.union([
    z
      .string()
      .min(1)
      .transform((upstream) => ({ upstream })),
    z.strictObject({
      upstream: z.string().min(1),
      family: z.enum(['deepseek', 'kimi', 'glm', 'qwen', 'minimax', 'generic']).optional(),
      wire: z.enum(['chat', 'anthropic']).optional(),
    }),
  ]),
);

/** Collects problems instead of throwing at the first one, so a user fixes everything in one go. */
class EnvReader {
  readonly problems: string[] = [];
  readonly env: Env;
  constructor(env: Env) {
    this.env = env;
  }

  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (TRUE_WORDS.has(value)) return true;
    if (FALSE_WORDS.has(value)) return false;
    this.problems.push(`${name} must be 1 or 0 (got "${this.env[name]}")`);
    return fallback;
  }

  number(
    name: string,
    fallback: number,
    { min, max, integer }: { min: number; max: number; integer?: boolean },
  ) {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      const kind = integer ? 'an integer' : 'a number';
      this.problems.push(`${name} must be ${kind} between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${this.env[name]}")`);
    return fallback;
  }

  url(name: string, fallback: string): string {
    const value = this.string(name) ?? fallback;
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      return value.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name} must be an http(s) URL (got "${value}")`);
      return fallback;
    }
  }

  json<T>(name: string, schema: z.ZodType<T>, shape: string, fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      this.problems.push(`${name} is not valid JSON: ${(error as Error).message}`);
      return fallback;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.problems.push(
        `${name} must be ${shape}` +
          (issue ? ` (at ${issue.path.join('.') || 'top level'}: ${issue.message})` : ''),
      );
      return fallback;
    }
    return parsed.data;
  }

  modelMap(name: string): Record<string, ModelMapEntry> {
    return this.json(
      name,
      modelMapSchema,
      'a map of model ids to an upstream model name or {"upstream", "family"?, "wire"?}',
      {},
    );
  }

  fallbackMap(name: string): FallbackMap {
    const map = this.json(
      name,
      fallbackMapSchema,
      'a map of upstream model to the next model(s) to try',
      undefined,
    );
    if (map === undefined) return DEFAULT_FALLBACKS;
    return Object.fromEntries(
      Object.entries(map).map(([model, next]) => [model, typeof next === 'string' ? [next] : next]),
    );
  }
}

/**
 * Variables of the original bridge this one does not honour, with what replaces each. Every other variable of the
 * original's table is honoured under its name (README "Moving from the original bridge").
 */
export const RETIRED_VARIABLES: Readonly<Record<string, string>> = {
  SSE_CHUNK_SIZE: 'text is streamed in the pieces the upstream sends, never re-chunked',
  CONTINUATION_DEADLINE_SECONDS:
    'the final no-tools turn is one more upstream call of the request, bounded by REQUEST_DEADLINE_SECONDS',
  WRITE_RESULT_MODE:
    'exact writes are the bounded_write_exact task mode (a codex-oss-handoff block with "writes"; README "Subagent task modes")',
};

/** One line per retired variable that is set, naming what replaces it; shown when the bridge starts. */
export function retiredVariableWarnings(env: Env = process.env): string[] {
  return Object.entries(RETIRED_VARIABLES)
    .filter(([name]) => env[name]?.trim())
    .map(([name, replacement]) => `${name} is ignored (a setting of the original bridge): ${replacement}.`);
}

export const DEFAULT_UPSTREAM_BASE_URL = 'https://opencode.ai/zen/go/v1';
export const DEFAULT_STATE_DB = path.join('.codex-oss', 'state', 'bridge.sqlite3');
const MIB = 1024 * 1024;

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const read = new EnvReader(env);

  const upstreamApiKey = read.string('OPENCODE_GO_API_KEY');
  const allowMissingKey = read.boolean('ALLOW_MISSING_OPENCODE_KEY', false);
  if (!upstreamApiKey && !allowMissingKey) {
    read.problems.push(
      'OPENCODE_GO_API_KEY is not set. Get a key at https://opencode.ai (OpenCode Go), then run ' +
        '`export OPENCODE_GO_API_KEY=<your key>` before starting the bridge. ' +
        '(ALLOW_MISSING_OPENCODE_KEY=1 starts it without a key, for testing.)',
    );
  }

  const dbPath = path.resolve(cwd, read.string('PROXY_STATE_DB') ?? DEFAULT_STATE_DB);
  const strategy = read.oneOf('GPT_MODEL_STRATEGY', ['error', 'oss', 'openai'] as const, 'error');
  const openaiApiKey = read.string('OPENAI_API_KEY');

  const config: Config = {
    server: {
      host: read.string('PROXY_HOST') ?? '127.0.0.1',
      port: read.number('PROXY_PORT', 4000, { min: 0, max: 65535, integer: true }),
      maxBodyBytes: read.number('PROXY_MAX_BODY_BYTES', 32 * MIB, {
        min: 1024,
        max: 1024 * MIB,
        integer: true,
      }),
    },
    upstream: {
      baseUrl: read.url('OPENCODE_GO_BASE_URL', DEFAULT_UPSTREAM_BASE_URL),
      apiKey: upstreamApiKey,
      stream: read.boolean('UPSTREAM_STREAM', true),
    },
    proxyApiKey: read.string('PROXY_API_KEY') ?? read.string('LITELLM_MASTER_KEY'),
    state: {
      dbPath,
      dir: path.dirname(dbPath),
      ttlSeconds: read.number('PROXY_STATE_TTL_SECONDS', 7 * 24 * 3600, { min: 60, max: 365 * 24 * 3600 }),
      maxRows: read.number('PROXY_STATE_MAX_ROWS', 50_000, { min: 100, max: 10_000_000, integer: true }),
      maxBytes: read.number('PROXY_STATE_MAX_BYTES', 256 * 2 ** 20, {
        min: 2 ** 20,
        max: 2 ** 40,
        integer: true,
      }),
    },
    logPath: read.string('PROXY_LOG_PATH'),
    logLevel: read.oneOf('PROXY_LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error'] as const, 'info'),
    logBodies: read.boolean('PROXY_LOG_BODIES', false),
    modelMap: read.modelMap('MODEL_MAP_JSON'),
    heartbeatSeconds: read.number('SSE_UPSTREAM_HEARTBEAT_SECONDS', 5, { min: 0.05, max: 300 }),
    gpt: {
      strategy,
      ossFallback: read.string('GPT_MODEL_OSS_FALLBACK') ?? 'deepseek-v4-pro',
      openaiApiKey,
      openaiBaseUrl: read.url('OPENAI_BASE_URL', 'https://api.openai.com/v1'),
      chatgptBaseUrl: read.url('CHATGPT_BASE_URL', 'https://chatgpt.com/backend-api/codex'),
      subagentAlias: read.string('SUBAGENT_GPT_MODEL_ALIAS'),
    },
    stripTools: read.boolean('STRIP_TOOLS', false),
    exposeEmptyReasoningItem: read.boolean('EXPOSE_EMPTY_REASONING_ITEM', true),
    resilience: {
      retries: read.number('UPSTREAM_RETRIES', 2, { min: 0, max: 10, integer: true }),
      retryAfterMaxSeconds: read.number('UPSTREAM_RETRY_AFTER_MAX_SECONDS', 30, { min: 0, max: 3600 }),
      fallbacks: read.fallbackMap('FALLBACK_MODEL_MAP_JSON'),
      breaker: {
        errors: read.number('CIRCUIT_BREAKER_ERRORS', 2, { min: 1, max: 1000, integer: true }),
        cooldownSeconds: read.number('CIRCUIT_BREAKER_COOLDOWN', 300, { min: 0.01, max: 86_400 }),
      },
      concurrency: {
        global: read.number('MAX_GLOBAL_UPSTREAM_CONCURRENCY', 2, { min: 1, max: 10_000, integer: true }),
        perModel: read.json(
          'MODEL_CONCURRENCY_JSON',
          concurrencySchema,
          'a map of upstream model to an integer cap from 1 to 1000',
          { ...DEFAULT_MODEL_CONCURRENCY },
        ),
        queueMax: read.number('UPSTREAM_QUEUE_MAX', 64, { min: 0, max: 100_000, integer: true }),
        queueTimeoutSeconds: read.number('UPSTREAM_QUEUE_TIMEOUT_SECONDS', 300, { min: 0.01, max: 86_400 }),
      },
      timeouts: {
        firstByteSeconds: read.number('UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS', 30, { min: 0.01, max: 3600 }),
        idleSeconds: read.number('UPSTREAM_IDLE_TIMEOUT_SECONDS', 30, { min: 0.01, max: 3600 }),
        upstreamSeconds: read.number('UPSTREAM_TIMEOUT_SECONDS', 240, { min: 0.01, max: 86_400 }),
        requestDeadlineSeconds: read.number('REQUEST_DEADLINE_SECONDS', 300, { min: 0.01, max: 86_400 }),
      },
      degradedCompletionOnTimeout: read.boolean('DEGRADED_COMPLETION_ON_TIMEOUT', true),
    },
    guardrails: {
      scope: read.oneOf('OSS_GUARDRAILS', ['subagents', 'all', 'off'] as const, 'subagents'),
      maxToolOutputChars: read.number('MAX_TOOL_OUTPUT_CHARS', 20_000, {
        min: 500,
        max: 10_000_000,
        integer: true,
      }),
      maxToolOutputLines: read.number('MAX_TOOL_OUTPUT_LINES', 400, {
        min: 20,
        max: 1_000_000,
        integer: true,
      }),
      maxToolTurns: read.number('OSS_MAX_TOOL_TURNS', 6, { min: 1, max: 1000, integer: true }),
      maxToolCallsPerTurn: read.number('OSS_NATIVE_MAX_TOOL_EXCHANGES', 1, {
        min: 1,
        max: 100,
        integer: true,
      }),
      forceSingleTool: read.boolean('FORCE_SINGLE_TOOL_INSTRUCTIONS', false),
      suppressDuplicateCalls: read.boolean('OSS_SUPPRESS_DUPLICATE_CALLS', true),
      retryNonTerminalAnswers: read.boolean('OSS_RETRY_NON_TERMINAL_ANSWERS', true),
      continuationTools: read.oneOf('CONTINUATION_TOOLS', ['none', 'same'] as const, 'none'),
      continuationModel: read.string('CONTINUATION_MODEL') ?? 'kimi-k2.6',
      continuationFallbackModels: (read.string('CONTINUATION_FALLBACK_MODELS') ?? 'deepseek-v4-flash')
        .split(',')
        .map((model) => model.trim())
        .filter(Boolean),
      contextPackMaxChars: read.number('CONTEXT_PACK_MAX_CHARS', 24_000, {
        min: 1000,
        max: 10_000_000,
        integer: true,
      }),
    },
  };

  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
