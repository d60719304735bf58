/**
 * Which path a requested model takes: an OSS model translated to the upstream, or a GPT model handled by
 * GPT_MODEL_STRATEGY (a clear error, an alias to an OSS model, or a byte-for-byte pass-through to OpenAI).
 */
import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';
import { isOpenAIModel, type ModelCatalog, type ResolvedModel } from '../models/catalog.ts';

export type ModelRoute = { kind: 'oss'; model: ResolvedModel; aliasedFrom?: string } | { kind: 'openai' };

function resolveOss(catalog: ModelCatalog, name: string): ResolvedModel | undefined {
  return catalog.resolve(name) ?? catalog.resolve(`ocg-${name}`);
}

export function routeModel(
  requested: string,
  catalog: ModelCatalog,
  gpt: Config['gpt'],
  /** The request comes from a Codex subagent (x-openai-subagent: collab_spawn). */
  subagent = false,
): ModelRoute {
  const model = catalog.resolve(requested);
  if (model) return { kind: 'oss', model };
  if (isOpenAIModel(requested) && subagent && gpt.subagentAlias) {
    // A full-history fork inherits the parent's GPT model (Codex refuses a model override on such forks): the
    // subagent runs on the OSS model configured for subagents instead.
    const alias = resolveOss(catalog, gpt.subagentAlias);
    if (alias) return { kind: 'oss', model: alias, aliasedFrom: requested };
  }
  if (isOpenAIModel(requested)) {
    switch (gpt.strategy) {
      case 'openai':
        return { kind: 'openai' };
      case 'oss': {
        const fallback = resolveOss(catalog, gpt.ossFallback);
        if (!fallback) {
          throw new BridgeError({
            status: 400,
            code: 'model_not_found',
            param: 'model',
            message: `GPT_MODEL_OSS_FALLBACK="${gpt.ossFallback}" is not a model this bridge serves.`,
          });
        }
        // The response names the model that answers, not the GPT model asked for; the log keeps both.
        return { kind: 'oss', model: fallback, aliasedFrom: requested };
      }
      case 'error':
        throw new BridgeError({
          status: 400,
          code: 'model_not_supported',
          param: 'model',
          message:
            `The GPT model '${requested}' reached opencode-bridge, which serves open models (ocg-*). ` +
            'Use an ocg-<model> id for this agent, or start the bridge with GPT_MODEL_STRATEGY=openai (and ' +
            'OPENAI_API_KEY) to pass GPT traffic through to OpenAI, or GPT_MODEL_STRATEGY=oss to answer it with ' +
            'GPT_MODEL_OSS_FALLBACK.',
        });
    }
  }
  throw new BridgeError({
    status: 400,
    code: 'model_not_found',
    param: 'model',
    message:
      `The model '${requested}' is not served by opencode-bridge. Use ocg-<model> or opencode-go/<model> ` +
      '(GET /v1/models lists them), or add it to MODEL_MAP_JSON.',
  });
}
