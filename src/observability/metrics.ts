/**
 * Prometheus metrics (prom-client), served at GET /metrics behind the API key. Counters and histograms are updated
 * where things happen; gauges that mirror live state (breakers, queue, active upstream calls) are read on scrape.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BreakerRegistry, BreakerState } from '../upstream/resilience/circuit-breaker.ts';
import type { ConcurrencyLimiter } from '../upstream/resilience/limiter.ts';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
const PREFIX = 'opencode_bridge_';

export interface LiveState {
  breakers: BreakerRegistry;
  limiter: ConcurrencyLimiter;
}

export class BridgeMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly responses: Counter<'model' | 'served_model' | 'outcome'>;
  readonly upstreamFirstByte: Histogram<'model'>;
  readonly upstreamDuration: Histogram<'model' | 'outcome'>;
  readonly tokens: Counter<'model' | 'kind'>;
  readonly retries: Counter<'model' | 'error'>;
  readonly fallbacks: Counter<'from' | 'to'>;
  readonly clientDisconnects: Counter<'model'>;
  readonly activeStreams: Gauge;
  readonly passthroughRequests: Counter<'model' | 'target' | 'status' | 'outcome'>;
  readonly passthroughDuration: Histogram<'model' | 'target'>;

  constructor(live: LiveState) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.httpRequests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests by route, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.responses = new Counter({
      name: `${PREFIX}responses_total`,
      help: 'Responses API requests served by open models, by requested model, serving model and outcome.',
      labelNames: ['model', 'served_model', 'outcome'],
      registers,
    });
    this.upstreamFirstByte = new Histogram({
      name: `${PREFIX}upstream_first_chunk_seconds`,
      help: 'Time from sending an upstream request to its first chunk.',
      labelNames: ['model'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60],
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: `${PREFIX}upstream_duration_seconds`,
      help: 'Duration of upstream calls, by outcome.',
      labelNames: ['model', 'outcome'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 240, 600],
      registers,
    });
    this.tokens = new Counter({
      name: `${PREFIX}tokens_total`,
      help: 'Tokens reported by the upstream, by model and kind (input, cached, output, reasoning).',
      labelNames: ['model', 'kind'],
      registers,
    });
    this.retries = new Counter({
      name: `${PREFIX}upstream_retries_total`,
      help: 'Upstream calls retried on the same model, by the error that caused the retry.',
      labelNames: ['model', 'error'],
      registers,
    });
    this.fallbacks = new Counter({
      name: `${PREFIX}upstream_fallbacks_total`,
      help: 'Requests moved to a fallback model.',
      labelNames: ['from', 'to'],
      registers,
    });
    this.clientDisconnects = new Counter({
      name: `${PREFIX}client_disconnects_total`,
      help: 'Requests whose client went away before the response ended.',
      labelNames: ['model'],
      registers,
    });
    this.activeStreams = new Gauge({
      name: `${PREFIX}active_streams`,
      help: 'SSE responses currently open to clients.',
      registers,
    });
    this.passthroughRequests = new Counter({
      name: `${PREFIX}passthrough_requests_total`,
      help: 'GPT requests passed through to OpenAI or ChatGPT, by model, target, HTTP status and outcome.',
      labelNames: ['model', 'target', 'status', 'outcome'],
      registers,
    });
    this.passthroughDuration = new Histogram({
      name: `${PREFIX}passthrough_duration_seconds`,
      help: 'Duration of GPT pass-through requests, until the last byte of the reply.',
      labelNames: ['model', 'target'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 240, 600],
      registers,
    });
    new Gauge({
      name: `${PREFIX}circuit_breaker_state`,
      help: 'Circuit breaker per upstream model: 0 closed, 1 half-open, 2 open.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const [model, snapshot] of Object.entries(live.breakers.snapshot())) {
          this.set({ model }, BREAKER_VALUE[snapshot.state]);
        }
      },
    });
    new Gauge({
      name: `${PREFIX}upstream_queue_depth`,
      help: 'Requests waiting for an upstream concurrency slot.',
      registers,
      collect() {
        this.set(live.limiter.stats().queued);
      },
    });
    new Gauge({
      name: `${PREFIX}upstream_active_requests`,
      help: 'Upstream calls in flight, by model.',
      labelNames: ['model'],
      registers,
      collect() {
        this.reset();
        for (const [model, active] of Object.entries(live.limiter.stats().activeByModel))
          this.set({ model }, active);
      },
    });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
