import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ModelCatalog } from '../models/catalog.ts';
import type { BridgeMetrics } from '../observability/metrics.ts';
import type { RunObserver } from '../observe/run-observer.ts';
import type { BridgeStore } from '../state/store.ts';
import type { ReasoningCarrier } from '../translate/reasoning-carrier.ts';
import type { UpstreamClientOptions } from '../upstream/chat-client.ts';
import type { BreakerRegistry } from '../upstream/resilience/circuit-breaker.ts';
import type { ConcurrencyLimiter } from '../upstream/resilience/limiter.ts';

/** Everything a request needs, created once at start and passed down explicitly (no globals). */
export interface BridgeDeps {
  config: Config;
  catalog: ModelCatalog;
  store: BridgeStore;
  carrier: ReasoningCarrier;
  logger: Logger;
  upstreamClient: UpstreamClientOptions;
  limiter: ConcurrencyLimiter;
  breakers: BreakerRegistry;
  metrics: BridgeMetrics;
  /** Told about every request's life (the dashboard, src/dashboard/). */
  observer: RunObserver;
  /** Aborted when the bridge stops for good (a drain's deadline passed): open streams end with response.failed. */
  shutdown?: AbortSignal;
  /** Which run of the bridge this is (GET /health reports both, so `codex-oss` can tell its bridge from others). */
  instance?: { id: string; startedAt: number };
}
