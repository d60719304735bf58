import { describe, expect, it } from 'vitest';
import { OTHER_LABEL } from '../bounded-labels.ts';
import { BreakerRegistry } from '../upstream/resilience/circuit-breaker.ts';
import { ConcurrencyLimiter } from '../upstream/resilience/limiter.ts';
import { BridgeMetrics, MAX_OTHER_MODEL_LABELS } from './metrics.ts';

function newMetrics(knownModels: string[] = ['ocg-deepseek-v4-pro', 'deepseek-v4-pro']) {
  const limiter = new ConcurrencyLimiter({ globalCap: 2, modelCaps: {}, maxQueueLength: 4, maxWaitMs: 1000 });
  const breakers = new BreakerRegistry(2, 60_000);
  return { metrics: new BridgeMetrics({ limiter, breakers }, knownModels), breakers };
}

/** The distinct values of one label over the series of one metric. */
function labelValues(text: string, metric: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const match = new RegExp(`${label}="([^"]*)"`).exec(line);
    if (match?.[1] !== undefined) values.add(match[1]);
  }
  return values;
}

describe('metrics: model labels', () => {
  it('keeps /metrics small whatever model ids clients send: later ids share one label', async () => {
    const { metrics } = newMetrics();
    for (let index = 0; index < 3000; index += 1) {
      const model = `ocg-made-up-${index}`;
      metrics.responses.inc({ model, served_model: `made-up-${index}`, outcome: 'failed' });
      metrics.upstreamDuration.observe({ model: `made-up-${index}`, outcome: 'failure' }, 0.1);
    }

    const text = await metrics.render();

    const models = new Set([
      ...labelValues(text, 'opencode_bridge_responses_total', 'model'),
      ...labelValues(text, 'opencode_bridge_responses_total', 'served_model'),
    ]);
    expect(models.size).toBe(MAX_OTHER_MODEL_LABELS + 1);
    expect(models).toContain(OTHER_LABEL);
    expect(text.length).toBeLessThan(200_000);
  });

  it("gives the catalog's models their own series even after the others are full", async () => {
    const { metrics } = newMetrics();
    for (let index = 0; index < 100; index += 1)
      metrics.tokens.inc({ model: `made-up-${index}`, kind: 'input' }, 1);
    metrics.tokens.inc({ model: 'deepseek-v4-pro', kind: 'input' }, 7);

    const text = await metrics.render();

    expect(text).toContain('opencode_bridge_tokens_total{model="deepseek-v4-pro",kind="input"} 7');
    expect(text).toContain(
      `opencode_bridge_tokens_total{model="${OTHER_LABEL}",kind="input"} ${100 - MAX_OTHER_MODEL_LABELS}`,
    );
  });

  it('folds fallbacks and breakers the same way; a folded breaker shows the worst state', async () => {
    const { metrics, breakers } = newMetrics([]);
    for (let index = 0; index < MAX_OTHER_MODEL_LABELS; index += 1)
      metrics.fallbacks.inc({ from: `seen-${index}`, to: `seen-${index}` });
    const late = breakers.for('late-model');
    late.onFailure();
    late.onFailure();
    breakers.for('late-healthy-model');

    const text = await metrics.render();

    expect(text).toContain(`opencode_bridge_circuit_breaker_state{model="${OTHER_LABEL}"} 2`);
    expect(labelValues(text, 'opencode_bridge_circuit_breaker_state', 'model')).toEqual(
      new Set([OTHER_LABEL]),
    );
  });
});
