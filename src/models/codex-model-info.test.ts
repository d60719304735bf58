import { describe, expect, it } from 'vitest';
import { createModelCatalog } from './catalog.ts';
import { codexModelInfo, codexModelsResponse } from './codex-model-info.ts';
import { type Family, PROFILES } from './profiles.ts';

const catalog = createModelCatalog({ coder: { upstream: 'qwen3-coder', family: 'qwen', wire: 'chat' } });
const listed = (id: string) => {
  const model = catalog.list().find((entry) => entry.id === id);
  if (!model) throw new Error(`${id} is not listed`);
  return model;
};
const efforts = (id: string) =>
  codexModelInfo(listed(id), 100).supported_reasoning_levels.map((level) => level.effort);

describe('codexModelInfo', () => {
  it("gives Codex a served model's true context window, tools and instructions", () => {
    expect(codexModelInfo(listed('ocg-deepseek-v4-pro'), 100)).toMatchObject({
      slug: 'ocg-deepseek-v4-pro',
      context_window: 1_000_000,
      max_context_window: 1_000_000,
      apply_patch_tool_type: 'freeform',
      shell_type: 'unified_exec',
      supports_parallel_tool_calls: true,
      truncation_policy: { mode: 'tokens', limit: 10_000 },
      supports_search_tool: false,
      priority: 100,
    });
    expect(codexModelInfo(listed('ocg-kimi-k2.6'), 100).context_window).toBe(262_144);
    expect(codexModelInfo(listed('ocg-deepseek-v4-pro'), 100).base_instructions).toContain('FREEFORM tool');
  });

  it('names the output limit, which Codex has no field for, in the description', () => {
    expect(codexModelInfo(listed('ocg-kimi-k2.6'), 100).description).toContain('output up to 66K');
  });

  it('offers images only to models that accept them', () => {
    expect(codexModelInfo(listed('ocg-deepseek-v4-pro'), 100).input_modalities).toEqual(['text']);
    expect(codexModelInfo(listed('ocg-kimi-k2.6'), 100).input_modalities).toEqual(['text', 'image']);
  });

  it('offers the reasoning levels each model has upstream, defaulting to what Codex would otherwise send', () => {
    expect(efforts('ocg-deepseek-v4-pro')).toEqual(['none', 'low', 'high', 'xhigh']);
    expect(codexModelInfo(listed('ocg-deepseek-v4-pro'), 100).default_reasoning_level).toBe('high');
    expect(efforts('ocg-kimi-k2.6')).toEqual(['none', 'medium']);
    expect(efforts('coder')).toEqual(['none', 'medium']);
    // The Messages wire switches thinking off for effort none, whatever the family.
    expect(efforts('ocg-minimax-m2.7')).toEqual(['none', 'medium']);
    expect(efforts('ocg-qwen3.6-plus')).toEqual(['none', 'medium']);
  });

  it('gives a model the bridge knows nothing about a conservative context window', () => {
    expect(codexModelInfo(listed('coder'), 100).context_window).toBe(128_000);
  });
});

describe('reasoning levels of each family', () => {
  for (const family of Object.keys(PROFILES) as Family[]) {
    it(`${family}: every level does something different upstream, and the default is one of them`, () => {
      const profile = PROFILES[family];
      const fields = profile.reasoningLevels.map((level) =>
        JSON.stringify(profile.effortFields(level.effort)),
      );
      expect(new Set(fields).size).toBe(fields.length);
      expect(profile.reasoningLevels.map((level) => level.effort)).toContain(profile.defaultReasoningLevel);
    });
  }
});

describe('codexModelsResponse', () => {
  it("is Codex's ModelsResponse: every listed model, in order, after Codex's own in priority", () => {
    const response = codexModelsResponse(catalog.list());
    expect(response.models.map((model) => model.slug)).toEqual(catalog.list().map((model) => model.id));
    expect(response.models.map((model) => model.priority)).toEqual(
      catalog.list().map((_, index) => 100 + index),
    );
  });
});
