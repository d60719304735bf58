/**
 * Prometheus metrics (prom-client), served at GET /metrics behind the API key. Counters and histograms are updated
 * where things happen; gauges that mirror live state (breakers, queue, active upstream calls) are read on scrape.
 * Model labels are bounded (src/bounded-labels.ts): the catalog's models and the first MAX_OTHER_MODEL_LABELS other
 * ids keep their own series; later ids share OTHER_LABEL, so /metrics stays small whatever ids clients send.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { BoundedLabels } from '../bounded-labels.ts';
import type { BreakerRegistry, BreakerState } from '../upstream/resilience/circuit-breaker.ts';
import type { ConcurrencyLimiter } from '../upstream/resilience/limiter.ts';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
const PREFIX = 'opencode_bridge_';

export interface LiveState {
  breakers: BreakerRegistry;
  limiter: ConcurrencyLimiter;
}

/** Model ids beyond the catalog's that get series of their own. */
export const MAX_OTHER_MODEL_LABELS = 32;
/** The labels that hold a model id. */
const MODEL_LABEL_NAMES = ['model', 'served_model', 'from', 'to'];

type LabelValues<L extends string> = Partial<Record<L, string | number>>;

/** A counter whose model labels are folded; what the request path sees of a prom-client Counter. */
export interface ModelCounter<L extends string> {
  inc(labels: LabelValues<L>, value?: number): void;
}

export interface ModelHistogram<L extends string> {
  observe(labels: LabelValues<L>, value: number): void;
}

export class BridgeMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly responses: ModelCounter<'model' | 'served_model' | 'outcome'>;
  readonly upstreamFirstByte: ModelHistogram<'model'>;
  readonly upstreamDuration: ModelHistogram<'model' | 'outcome'>;
  readonly tokens: ModelCounter<'model' | 'kind'>;
  readonly retries: ModelCounter<'model' | 'error'>;
  readonly fallbacks: ModelCounter<'from' | 'to'>;
  readonly clientDisconnects: ModelCounter<'model'>;
  readonly activeStreams: Gauge;
  readonly #models: BoundedLabels;
  readonly passthroughRequests: ModelCounter<'model' | 'target' | 'status' | 'outcome'>;
  readonly passthroughDuration: ModelHistogram<'model' | 'target'>;

  /** `knownModels`: the catalog's ids and upstream names, which always keep their own series. */
  constructor(live: LiveState, knownModels: readonly string[] = []) {
    const registers = [this.registry];
    const models = new BoundedLabels(knownModels, MAX_OTHER_MODEL_LABELS);
    this.#models = models;
    const counter = <L extends string>(metric: Counter<L>): ModelCounter<L> => ({
      inc: (labels, value) => metric.inc(this.#fold(labels), value),
    });
    const histogram = <L extends string>(metric: Histogram<L>): ModelHistogram<L> => ({
      observe: (labels, value) => metric.observe(this.#fold(labels), value),
    });
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.httpRequests = new Counter({
      name: `${PREFIX}http_requests_total`,
      help: 'HTTP requests by route, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.responses = counter(
      new Counter({
        name: `${PREFIX}responses_total`,
        help: 'Responses API requests served by open models, by requested model, serving model and outcome.',
        labelNames: ['model', 'served_model', 'outcome'],
        registers,
      }),
    );
    this.upstreamFirstByte = histogram(
      new Histogram({
        name: `${PREFIX}upstream_first_chunk_seconds`,
        help: 'Time from sending an upstream request to its first chunk.',
        labelNames: ['model'],
        buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60],
        registers,
      }),
    );
    this.upstreamDuration = histogram(
      new Histogram({
        name: `${PREFIX}upstream_duration_seconds`,
        help: 'Duration of upstream calls, by outcome.',
        labelNames: ['model', 'outcome'],
        buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 240, 600],
        registers,
      }),
    );
    this.tokens = counter(
      new Counter({
        name: `${PREFIX}tokens_total`,
        help: 'Tokens reported by the upstream, by model and kind (input, cached, output, reasoning).',
        labelNames: ['model', 'kind'],
        registers,
      }),
    );
    this.retries = counter(
      new Counter({
        name: `${PREFIX}upstream_retries_total`,
        help: 'Upstream calls retried on the same model, by the error that caused the retry.',
        labelNames: ['model', 'error'],
        registers,
      }),
    );
    this.fallbacks = counter(
      new Counter({
        name: `${PREFIX}upstream_fallbacks_total`,
        help: 'Requests moved to a fallback model.',
        labelNames: ['from', 'to'],
        registers,
      }),
    );
    this.clientDisconnects = counter(
      new Counter({
        name: `${PREFIX}client_disconnects_total`,
        help: 'Requests whose client went away before the response ended.',
        labelNames: ['model'],
        registers,
      }),
    );
    this.activeStreams = new Gauge({
      name: `${PREFIX}active_streams`,
      help: 'SSE responses currently open to clients.',
      registers,
    });
    this.passthroughRequests = counter(
      new Counter({
        name: `${PREFIX}passthrough_requests_total`,
        help: 'GPT requests passed through to OpenAI or ChatGPT, by model, target, HTTP status and outcome.',
        labelNames: ['model', 'target', 'status', 'outcome'],
        registers,
      }),
    );
    this.passthroughDuration = histogram(
      new Histogram({
        name: `${PREFIX}passthrough_duration_seconds`,
        help: 'Duration of GPT pass-through requests, until the last byte of the reply.',
        labelNames: ['model', 'target'],
        buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 240, 600],
        registers,
      }),
    );
    new Gauge({
      name: `${PREFIX}circuit_breaker_state`,
      help: 'Circuit breaker per upstream model: 0 closed, 1 half-open, 2 open.',
      labelNames: ['model'],
      registers,
      collect() {
        // Models folded into one label show the worst state among them.
        const worst = new Map<string, number>();
        for (const [model, snapshot] of Object.entries(live.breakers.snapshot())) {
          const label = models.label(model);
          worst.set(label, Math.max(worst.get(label) ?? 0, BREAKER_VALUE[snapshot.state]));
        }
        this.reset();
        for (const [model, value] of worst) this.set({ model }, value);
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
          this.inc({ model: models.label(model) }, active);
      },
    });
  }

  #fold<L extends string>(labels: LabelValues<L>): LabelValues<L> {
    const folded: Record<string, string | number | undefined> = { ...labels };
    for (const name of MODEL_LABEL_NAMES) {
      const value = folded[name];
      if (value !== undefined) folded[name] = this.#models.label(String(value));
    }
    return folded as LabelValues<L>;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
