/**
 * GET /health and GET /v1/models.
 */
import type { BridgeDeps } from '../bridge/deps.ts';
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
      supported: model.wire === 'chat',
    })),
  };
}

export function healthReport(deps: BridgeDeps) {
  const { config } = deps;
  const models = new Map<string, { upstream_model: string; family: string; wire: string; status: string }>();
  for (const model of deps.catalog.list()) {
    models.set(model.upstreamModel, {
      upstream_model: model.upstreamModel,
      family: model.family,
      wire: model.wire,
      status: model.wire === 'chat' ? 'available' : 'unsupported: needs the Anthropic Messages adapter',
    });
  }
  return {
    status: 'ok',
    version: VERSION,
    mode: config.gpt.strategy === 'openai' ? 'router' : 'oss-only',
    gpt_model_strategy: config.gpt.strategy,
    upstream: {
      base_url: config.upstream.baseUrl,
      stream: config.upstream.stream,
      key_configured: !!config.upstream.apiKey,
    },
    models: [...models.values()],
    limits: {
      max_body_bytes: config.server.maxBodyBytes,
      heartbeat_seconds: config.heartbeatSeconds,
      concurrency: 'unlimited (upstream concurrency caps are not implemented yet)',
    },
  };
}
