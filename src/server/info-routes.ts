/**
 * GET /health and GET /v1/models.
 */
import { codexModelsResponse } from '../models/codex-model-info.ts';
import type { BridgeDeps } from '../pipeline/deps.ts';
import { usageReport } from '../pipeline/usage-accounting.ts';
import type { BreakerSnapshot } from '../upstream/resilience/circuit-breaker.ts';
import { withoutCredentials } from '../upstream/upstream-errors.ts';
import { VERSION } from '../version.ts';

export function modelList(deps: BridgeDeps) {
  return {
    object: 'list',
    data: deps.catalog.list().map((model) => ({
      id: model.id,
      object: 'model',
      created: 0,
      owned_by: 'opencode-go',
      upstream_model: model.upstreamModel,
      family: model.family,
      wire: model.wire,
      context_window: model.contextWindow,
      max_output_tokens: model.maxOutputTokens,
    })),
  };
}

/**
 * GET /v1/models answers two clients. Codex asks with `?client_version=<its version>` (with command auth or
 * `requires_openai_auth`) and decodes only its own catalog shape, `{"models": [ModelInfo…]}`; an OpenAI list makes
 * it warn "failed to decode models response" and run our models on fallback metadata
 * (docs/codex-client.md#the-models-call). Everyone else gets the OpenAI list.
 */
export function modelsResponse(deps: BridgeDeps, query: { clientVersion: string | undefined }) {
  return query.clientVersion === undefined ? modelList(deps) : codexModelsResponse(deps.catalog.list());
}

function stateReport(deps: BridgeDeps) {
  const { dbPath, maxBytes, maxRows } = deps.config.state;
  const stats = deps.store.stats();
  return {
    db_path: dbPath,
    bytes: stats.bytes,
    max_bytes: maxBytes,
    rows: stats.rows,
    max_rows_per_table: maxRows,
  };
}

/**
 * A model's breaker as /health shows it: when it lets a request through again (the same wait a refused client is
 * told) and the failure that counted last, so an open breaker says why it opened.
 */
function circuitReport(breaker: BreakerSnapshot | undefined, cooldownSeconds: number, now: number) {
  return {
    state: breaker?.state ?? 'closed',
    consecutive_failures: breaker?.consecutiveFailures ?? 0,
    last_failure: breaker?.lastFailure ?? null,
    cooldown_seconds: cooldownSeconds,
    retry_at: breaker?.retryAt ? new Date(breaker.retryAt).toISOString() : null,
    retry_in_seconds: breaker?.retryAt ? Math.max(0, Math.ceil((breaker.retryAt - now) / 1000)) : null,
  };
}

export function healthReport(deps: BridgeDeps) {
  const { config } = deps;
  const { resilience } = config;
  const now = Date.now();
  const breakers = deps.breakers.snapshot(now);
  const limiter = deps.limiter.stats();
  const models = new Map<string, Record<string, unknown>>();
  for (const model of deps.catalog.list()) {
    const breaker = breakers[model.upstreamModel];
    models.set(model.upstreamModel, {
      upstream_model: model.upstreamModel,
      family: model.family,
      wire: model.wire,
      status: breaker && breaker.state !== 'closed' ? `degraded: circuit ${breaker.state}` : 'available',
      circuit: circuitReport(breaker, resilience.breaker.cooldownSeconds, now),
      active_requests: limiter.activeByModel[model.upstreamModel] ?? 0,
      concurrency_cap: deps.limiter.capFor(model.upstreamModel),
    });
  }
  return {
    status: 'ok',
    version: VERSION,
    instance_id: deps.instance?.id ?? null,
    uptime_seconds: deps.instance ? Math.floor((Date.now() - deps.instance.startedAt) / 1000) : null,
    mode: config.gpt.strategy === 'openai' ? 'router' : 'oss-only',
    gpt_model_strategy: config.gpt.strategy,
    upstream: {
      base_url: withoutCredentials(config.upstream.baseUrl),
      stream: config.upstream.stream,
      key_configured: !!config.upstream.apiKey,
    },
    // Where conversation state lives, so `codex-oss doctor` can warn when it would not survive a reboot; how full it is.
    state: stateReport(deps),
    models: [...models.values()],
    usage: usageReport(deps),
    concurrency: {
      global_cap: resilience.concurrency.global,
      per_model_caps: resilience.concurrency.perModel,
      active: limiter.active,
      queued: limiter.queued,
      queue_max: resilience.concurrency.queueMax,
      queue_timeout_seconds: resilience.concurrency.queueTimeoutSeconds,
    },
    resilience: {
      retries: resilience.retries,
      fallbacks: resilience.fallbacks,
      circuit_breaker: {
        errors: resilience.breaker.errors,
        cooldown_seconds: resilience.breaker.cooldownSeconds,
      },
      timeouts: {
        first_byte_seconds: resilience.timeouts.firstByteSeconds,
        idle_seconds: resilience.timeouts.idleSeconds,
        upstream_seconds: resilience.timeouts.upstreamSeconds,
        request_deadline_seconds: resilience.timeouts.requestDeadlineSeconds,
      },
    },
    limits: { max_body_bytes: config.server.maxBodyBytes, heartbeat_seconds: config.heartbeatSeconds },
  };
}
