/**
 * Limits as the dashboard shows them: per model, requests and tokens in the current 5-hour window (from the state
 * store, hour-bucketed as OpenCode Go counts) against the known limit, when the window frees up, the circuit
 * breaker and the concurrency slots; plus the global slots and queue. Read from the live objects, never from the
 * request path.
 */
import type { Config } from '../config.ts';
import { fiveHourRequestLimit, type ModelCatalog } from '../models/catalog.ts';
import { type BridgeStore, USAGE_WINDOW_HOURS } from '../state/store.ts';
import type {
  BreakerRegistry,
  BreakerSnapshot,
  BreakerState,
} from '../upstream/resilience/circuit-breaker.ts';
import type { ConcurrencyLimiter } from '../upstream/resilience/limiter.ts';

const HOUR_MS = 3_600_000;

export interface ModelLimits {
  model: string;
  requests: number;
  requestLimit: number | null;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** When the requests counted now have all left the window (hour buckets); null when none are counted. */
  freeAt: number | null;
  breaker: { state: BreakerState; failures: number; retryAt: number | null };
  active: number;
  cap: number;
}

export interface LimitsView {
  at: number;
  models: ModelLimits[];
  concurrency: { active: number; globalCap: number; queued: number; queueMax: number };
}

export interface LimitSources {
  config: Config;
  catalog: ModelCatalog;
  store: BridgeStore;
  limiter: ConcurrencyLimiter;
  breakers: BreakerRegistry;
}

/** The first hour boundary after which no request counted now is still in the window. */
function windowFreeAt(store: BridgeStore, model: string, now: number, requests: number): number | null {
  if (requests === 0) return null;
  const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS;
  for (let hours = 1; hours < USAGE_WINDOW_HOURS; hours += 1) {
    if (store.usageWindow(model, hourStart + hours * HOUR_MS).requests === 0)
      return hourStart + hours * HOUR_MS;
  }
  return hourStart + USAGE_WINDOW_HOURS * HOUR_MS;
}

/**
 * Models worth a row: those with a known limit, those used in the window, those whose breaker is not closed, and
 * those with a call in flight. Not every breaker: a request for any `ocg-<name>` makes one, and a healthy one says
 * nothing. Each source is bounded (usage rows and breakers fold unknown models, src/bounded-labels.ts).
 */
function modelsToShow(
  sources: LimitSources,
  breakers: Record<string, BreakerSnapshot>,
  activeByModel: Record<string, number>,
  now: number,
): string[] {
  const models = new Set(sources.store.usageModels(now));
  for (const model of sources.catalog.list())
    if (fiveHourRequestLimit(model.upstreamModel)) models.add(model.upstreamModel);
  for (const [model, breaker] of Object.entries(breakers)) if (breaker.state !== 'closed') models.add(model);
  for (const model of Object.keys(activeByModel)) models.add(model);
  return [...models].sort();
}

export function readLimits(sources: LimitSources, now = Date.now()): LimitsView {
  const breakers = sources.breakers.snapshot(now);
  const stats = sources.limiter.stats();
  const models = modelsToShow(sources, breakers, stats.activeByModel, now).map((model): ModelLimits => {
    const window = sources.store.usageWindow(model, now);
    const breaker = breakers[model];
    return {
      model,
      requests: window.requests,
      requestLimit: fiveHourRequestLimit(model) ?? null,
      inputTokens: window.inputTokens,
      outputTokens: window.outputTokens,
      cachedTokens: window.cachedTokens,
      reasoningTokens: window.reasoningTokens,
      freeAt: windowFreeAt(sources.store, model, now, window.requests),
      breaker: {
        state: breaker?.state ?? 'closed',
        failures: breaker?.consecutiveFailures ?? 0,
        retryAt: breaker?.retryAt ?? null,
      },
      active: stats.activeByModel[model] ?? 0,
      cap: sources.limiter.capFor(model),
    };
  });
  const { concurrency } = sources.config.resilience;
  return {
    at: now,
    models,
    concurrency: {
      active: stats.active,
      globalCap: concurrency.global,
      queued: stats.queued,
      queueMax: concurrency.queueMax,
    },
  };
}
