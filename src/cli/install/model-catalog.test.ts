import { describe, expect, it } from 'vitest';
import { BUILT_IN_MODELS } from '../../models/catalog.ts';
import { modelCatalog, ossModels, parseBundledCatalog, renderModelCatalog } from './model-catalog.ts';

const gpt = { slug: 'gpt-5.5', display_name: 'GPT-5.5', context_window: 272_000 };

describe('ossModels', () => {
  it('lists ocg-<model> for every built-in model with its context window', () => {
    const models = ossModels();
    expect(models).toHaveLength(BUILT_IN_MODELS.length);
    expect(models[0]).toEqual({
      slug: 'ocg-deepseek-v4-pro',
      label: 'DeepSeek V4 Pro',
      contextWindow: 1_000_000,
    });
    expect(models.find((model) => model.slug === 'ocg-kimi-k2.6')?.contextWindow).toBe(262_144);
  });

  it('adds other slugs once, with a conservative context window', () => {
    const extra = ossModels(['ocg-kimi-k2.6', 'ocg-qwen3-coder', 'ocg-qwen3-coder']).slice(
      BUILT_IN_MODELS.length,
    );
    expect(extra).toEqual([{ slug: 'ocg-qwen3-coder', label: 'ocg-qwen3-coder', contextWindow: 128_000 }]);
  });
});

describe('modelCatalog', () => {
  const catalog = modelCatalog(ossModels(), [gpt]);

  it('gives ocg-* models the freeform apply_patch tool, reasoning levels and our instructions', () => {
    const entry = catalog.models[0];
    expect(entry).toMatchObject({
      slug: 'ocg-deepseek-v4-pro',
      apply_patch_tool_type: 'freeform',
      shell_type: 'unified_exec',
      default_reasoning_level: 'medium',
      context_window: 1_000_000,
      supported_in_api: true,
    });
    expect(entry?.base_instructions).toContain('FREEFORM tool');
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
