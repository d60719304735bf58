/**
 * Per-model usage in the current 5-hour window (OpenCode Go's limits are counted that way), persisted in the state
 * store, with a warning in the log when a model nears its known request limit.
 */
import { fiveHourRequestLimit } from '../models/catalog.ts';
import type { ResponseUsage } from '../responses/output.ts';
import type { BridgeDeps } from './deps.ts';

const WARN_AT = 0.8;

/** Every upstream call counts as a request; tokens are known only for the one that answered. */
export function recordUsage(
  deps: BridgeDeps,
  attempts: ReadonlyArray<{ model: string; outcome?: string }>,
  usage: ResponseUsage | null,
  servedModel: string,
): void {
  attempts.forEach((attempt, index) => {
    const answered = index === attempts.length - 1 && attempt.model === servedModel && usage;
    deps.store.recordUsage(
      attempt.model,
      answered
        ? {
            inputTokens: usage.input_tokens,
            outputTokens: usage.output_tokens,
            cachedTokens: usage.input_tokens_details.cached_tokens,
            reasoningTokens: usage.output_tokens_details.reasoning_tokens,
          }
        : undefined,
    );
    warnNearLimit(deps, attempt.model);
  });
}

/** Requests per model in the window, read from the store at most once a minute and counted locally between. */
const windowCache = new WeakMap<BridgeDeps, Map<string, { requests: number; readAt: number }>>();
const REREAD_MS = 60_000;

function requestsInWindow(deps: BridgeDeps, model: string): number {
  let cache = windowCache.get(deps);
  if (!cache) {
    cache = new Map();
    windowCache.set(deps, cache);
  }
  const cached = cache.get(model);
  const now = Date.now();
  if (cached && now - cached.readAt < REREAD_MS) {
    cached.requests += 1;
    return cached.requests;
  }
  const requests = deps.store.usageWindow(model, now).requests;
  cache.set(model, { requests, readAt: now });
  return requests;
}

function warnNearLimit(deps: BridgeDeps, model: string): void {
  const limit = fiveHourRequestLimit(model);
  if (!limit) return;
  const requests = requestsInWindow(deps, model);
  // Warn once at the threshold and then every 5% beyond it, not on every request.
  const threshold = Math.ceil(limit * WARN_AT);
  if (requests >= threshold && (requests - threshold) % Math.max(1, Math.ceil(limit * 0.05)) === 0) {
    deps.logger.warn(
      { model, requests, limit, window: '5h' },
      `${model} has used ${requests} of about ${limit} requests in the current 5-hour window`,
    );
  }
}

export function usageReport(deps: BridgeDeps) {
  const models = new Set(deps.store.usageModels());
  for (const model of deps.catalog.list())
    if (fiveHourRequestLimit(model.upstreamModel)) models.add(model.upstreamModel);
  return [...models].sort().map((model) => {
    const window = deps.store.usageWindow(model);
    const limit = fiveHourRequestLimit(model);
    return {
      model,
      window: '5h',
      requests: window.requests,
      request_limit: limit ?? null,
      percent_of_limit: limit ? Math.round((window.requests / limit) * 1000) / 10 : null,
      input_tokens: window.inputTokens,
      output_tokens: window.outputTokens,
      cached_tokens: window.cachedTokens,
      reasoning_tokens: window.reasoningTokens,
    };
  });
}
