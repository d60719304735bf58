/**
 * Which Codex model ids the bridge serves and where each one goes upstream. Codex ids are `ocg-<model>` and
 * `opencode-go/<model>`; `MODEL_MAP_JSON` adds or overrides ids. Nothing else decides routing.
 */
import { type Family, familyOfUpstreamModel, type ModelProfile, PROFILES } from './profiles.ts';

/** Upstream wire format: OpenCode Go serves MiniMax and Qwen only over Anthropic Messages. */
export type Wire = 'chat' | 'anthropic';

export interface BuiltInModel {
  upstreamModel: string;
  label: string;
  wire: Wire;
  contextWindow: number;
  maxOutputTokens: number;
  /** Approximate OpenCode Go request limit per 5-hour window (docs/providers.md#usage-limits), when known. */
  fiveHourRequestLimit?: number;
}

export const BUILT_IN_MODELS: readonly BuiltInModel[] = [
  {
    upstreamModel: 'deepseek-v4-pro',
    label: 'DeepSeek V4 Pro',
    wire: 'chat',
    contextWindow: 1_000_000,
    maxOutputTokens: 384_000,
    fiveHourRequestLimit: 3_400,
  },
  {
    upstreamModel: 'deepseek-v4-flash',
    label: 'DeepSeek V4 Flash',
    wire: 'chat',
    contextWindow: 1_000_000,
    maxOutputTokens: 384_000,
    fiveHourRequestLimit: 31_000,
  },
  {
    upstreamModel: 'kimi-k2.6',
    label: 'Kimi K2.6',
    wire: 'chat',
    contextWindow: 262_144,
    maxOutputTokens: 65_536,
    fiveHourRequestLimit: 1_100,
  },
  {
    upstreamModel: 'kimi-k2.5',
    label: 'Kimi K2.5',
    wire: 'chat',
    contextWindow: 262_144,
    maxOutputTokens: 65_536,
  },
  {
    upstreamModel: 'glm-5.1',
    label: 'GLM-5.1',
    wire: 'chat',
    contextWindow: 200_000,
    maxOutputTokens: 131_072,
  },
  {
    upstreamModel: 'qwen3.6-plus',
    label: 'Qwen3.6 Plus',
    wire: 'anthropic',
    contextWindow: 262_144,
    maxOutputTokens: 65_536,
  },
  {
    upstreamModel: 'minimax-m2.7',
    label: 'MiniMax M2.7',
    wire: 'anthropic',
    contextWindow: 204_800,
    maxOutputTokens: 131_072,
  },
];

export const CODEX_ID_PREFIXES = ['ocg-', 'opencode-go/'] as const;

/** One `MODEL_MAP_JSON` entry: a Codex model id mapped to an upstream model, optionally with its family and wire. */
export interface ModelMapEntry {
  upstream: string;
  family?: Family;
  wire?: Wire;
}

export interface ResolvedModel {
  /** The id the client asked for. */
  requested: string;
  upstreamModel: string;
  family: Family;
  wire: Wire;
  profile: ModelProfile;
  /** The model's output limit, where known (the Messages wire requires max_tokens). */
  maxOutputTokens: number;
  /** The model's context window in tokens, where known; Codex compacts the history by it. */
  contextWindow: number;
}

const UNKNOWN_MODEL_MAX_OUTPUT_TOKENS = 32_768;
/** Conservative, for models the bridge knows nothing special about (MODEL_MAP_JSON, other ocg-* names). */
export const UNKNOWN_MODEL_CONTEXT_WINDOW = 128_000;

export interface ListedModel {
  id: string;
  upstreamModel: string;
  family: Family;
  wire: Wire;
  label: string;
  contextWindow: number;
  maxOutputTokens: number;
}

export interface ModelCatalog {
  resolve(requested: string): ResolvedModel | undefined;
  list(): ListedModel[];
}

function upstreamFromCodexId(requested: string): string | undefined {
  for (const prefix of CODEX_ID_PREFIXES) {
    if (requested.startsWith(prefix) && requested.length > prefix.length)
      return requested.slice(prefix.length);
  }
  return undefined;
}

export function createModelCatalog(modelMap: Readonly<Record<string, ModelMapEntry>> = {}): ModelCatalog {
  const builtIn = new Map(BUILT_IN_MODELS.map((model) => [model.upstreamModel, model]));

  function describe(requested: string, upstreamModel: string, override?: ModelMapEntry): ResolvedModel {
    const family = override?.family ?? familyOfUpstreamModel(upstreamModel);
    const wire = override?.wire ?? builtIn.get(upstreamModel)?.wire ?? 'chat';
    const known = builtIn.get(upstreamModel);
    return {
      requested,
      upstreamModel,
      family,
      wire,
      profile: PROFILES[family],
      maxOutputTokens: known?.maxOutputTokens ?? UNKNOWN_MODEL_MAX_OUTPUT_TOKENS,
      contextWindow: known?.contextWindow ?? UNKNOWN_MODEL_CONTEXT_WINDOW,
    };
  }

  return {
    resolve(requested) {
      // Own keys only: a model named "constructor" or "toString" is not in the map.
      const override = Object.hasOwn(modelMap, requested) ? modelMap[requested] : undefined;
      if (override) return describe(requested, override.upstream, override);
      const upstreamModel = upstreamFromCodexId(requested);
      return upstreamModel ? describe(requested, upstreamModel) : undefined;
    },
    list() {
      const listed: ListedModel[] = [];
      for (const model of BUILT_IN_MODELS) {
        for (const prefix of CODEX_ID_PREFIXES) {
          // A MODEL_MAP_JSON entry for a built-in id replaces it (as in resolve); it is listed below.
          if (Object.hasOwn(modelMap, `${prefix}${model.upstreamModel}`)) continue;
          const resolved = describe(`${prefix}${model.upstreamModel}`, model.upstreamModel);
          listed.push({ id: resolved.requested, ...resolved, label: model.label });
        }
      }
      for (const [id, entry] of Object.entries(modelMap)) {
        const resolved = describe(id, entry.upstream, entry);
        listed.push({ id, ...resolved, label: builtIn.get(entry.upstream)?.label ?? entry.upstream });
      }
      return listed.map(({ id, upstreamModel, family, wire, label, contextWindow, maxOutputTokens }) => ({
        id,
        upstreamModel,
        family,
        wire,
        label,
        contextWindow,
        maxOutputTokens,
      }));
    },
  };
}

/** Model ids that belong to OpenAI (Codex's own GPT models): routed by `GPT_MODEL_STRATEGY`. */
export function isOpenAIModel(model: string): boolean {
  return /^(gpt-|chatgpt-|codex-|o[1-9](-|$))/i.test(model);
}

/** The approximate OpenCode Go request limit per 5 hours of a built-in model, if known. */
export function fiveHourRequestLimit(upstreamModel: string): number | undefined {
  return BUILT_IN_MODELS.find((model) => model.upstreamModel === upstreamModel)?.fiveHourRequestLimit;
}
