import { describe, expect, it } from 'vitest';
import { BUILT_IN_MODELS } from '../../models/catalog.ts';
import { codexModelInfo } from '../../models/codex-model-info.ts';
import { modelCatalog, ossModels, parseBundledCatalog, renderModelCatalog } from './model-catalog.ts';

const gpt = { slug: 'gpt-5.5', display_name: 'GPT-5.5', context_window: 272_000 };

describe('ossModels', () => {
  it('lists ocg-<model> for every built-in model with its context window and output limit', () => {
    const models = ossModels();
    expect(models).toHaveLength(BUILT_IN_MODELS.length);
    expect(models[0]).toEqual({
      id: 'ocg-deepseek-v4-pro',
      label: 'DeepSeek V4 Pro',
      family: 'deepseek',
      wire: 'chat',
      contextWindow: 1_000_000,
      maxOutputTokens: 384_000,
    });
    expect(models.find((model) => model.id === 'ocg-kimi-k2.6')?.contextWindow).toBe(262_144);
  });

  it('adds other slugs once, resolved as the bridge resolves them, with a conservative context window', () => {
    const extra = ossModels(['ocg-kimi-k2.6', 'ocg-qwen3-coder', 'ocg-qwen3-coder']).slice(
      BUILT_IN_MODELS.length,
    );
    expect(extra).toEqual([
      {
        id: 'ocg-qwen3-coder',
        label: 'ocg-qwen3-coder',
        family: 'qwen',
        wire: 'chat',
        contextWindow: 128_000,
        maxOutputTokens: 32_768,
      },
    ]);
  });
});

describe('modelCatalog', () => {
  const catalog = modelCatalog(ossModels(), [gpt]);

  it('writes exactly the entries the bridge serves to Codex for the same models', () => {
    const models = ossModels();
    expect(catalog.models.slice(0, models.length)).toEqual(
      models.map((model, index) => codexModelInfo(model, 100 + index)),
    );
    expect(catalog.models[0]).toMatchObject({ slug: 'ocg-deepseek-v4-pro', context_window: 1_000_000 });
  });

  it("keeps the installed Codex's bundled entries, since a catalog replaces the built-in list", () => {
    expect(catalog.models.at(-1)).toEqual(gpt);
  });

  it('round-trips through the JSON Codex reads', () => {
    const text = renderModelCatalog(catalog);
    expect(parseBundledCatalog(text)).toEqual(catalog.models);
  });
});

describe('parseBundledCatalog', () => {
  it('refuses output without a models list', () => {
    expect(() => parseBundledCatalog('{"data":[]}')).toThrow(/no "models" list/);
  });
});
