import { describe, expect, it } from 'vitest';
import { BridgeMetrics } from '../../observability/metrics.ts';
import { BreakerRegistry } from '../../upstream/resilience/circuit-breaker.ts';
import { ConcurrencyLimiter } from '../../upstream/resilience/limiter.ts';
import { responsesServed } from './bridge-probes.ts';

function metrics(): BridgeMetrics {
  const limiter = new ConcurrencyLimiter({ globalCap: 2, modelCaps: {}, maxQueueLength: 1, maxWaitMs: 1000 });
  return new BridgeMetrics({ limiter, breakers: new BreakerRegistry(2, 1000) });
}

describe('responsesServed', () => {
  it("sums every outcome of one requested model from the bridge's own /metrics text", async () => {
    const bridge = metrics();
    bridge.responses.inc({ model: 'ocg-kimi-k2.6', served_model: 'kimi-k2.6', outcome: 'completed' });
    bridge.responses.inc({ model: 'ocg-kimi-k2.6', served_model: 'kimi-k2.6', outcome: 'completed' });
    bridge.responses.inc({ model: 'ocg-kimi-k2.6', served_model: 'deepseek-v4-flash', outcome: 'failed' });
    bridge.responses.inc({
      model: 'ocg-deepseek-v4-flash',
      served_model: 'deepseek-v4-flash',
      outcome: 'completed',
    });
    const text = await bridge.render();
    expect(responsesServed(text, 'ocg-kimi-k2.6')).toBe(3);
    expect(responsesServed(text, 'ocg-deepseek-v4-flash')).toBe(1);
    expect(responsesServed(text, 'ocg-glm-5.1')).toBe(0);
  });
});
