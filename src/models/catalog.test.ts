import { describe, expect, it } from 'vitest';
import { BUILT_IN_MODELS, createModelCatalog, isOpenAIModel } from './catalog.ts';
import { PROFILES } from './profiles.ts';

const catalog = createModelCatalog();

describe('model catalog: resolving Codex ids', () => {
  it.each([
    ['ocg-deepseek-v4-pro', 'deepseek-v4-pro', 'deepseek'],
    ['opencode-go/deepseek-v4-pro', 'deepseek-v4-pro', 'deepseek'],
    ['ocg-deepseek-v4-flash', 'deepseek-v4-flash', 'deepseek'],
    ['ocg-kimi-k2.6', 'kimi-k2.6', 'kimi'],
    ['opencode-go/kimi-k2.5', 'kimi-k2.5', 'kimi'],
    ['ocg-glm-5.1', 'glm-5.1', 'glm'],
    ['ocg-qwen3.6-plus', 'qwen3.6-plus', 'qwen'],
    ['ocg-minimax-m2.7', 'minimax-m2.7', 'minimax'],
  ])('sends %s to %s with the %s profile', (requested, upstreamModel, family) => {
    const model = catalog.resolve(requested);

    expect(model).toMatchObject({ requested, upstreamModel, family });
    expect(model?.profile).toBe(PROFILES[family as keyof typeof PROFILES]);
  });

  it('gives Kimi the Moonshot schema dialect', () => {
    expect(catalog.resolve('ocg-kimi-k2.6')?.profile.schemaDialect).toBe('moonshot');
  });

  it.each(['ocg-qwen3.6-plus', 'ocg-minimax-m2.7'])(
    'knows %s is served over Anthropic Messages',
    (requested) => {
      expect(catalog.resolve(requested)?.wire).toBe('anthropic');
    },
  );

  it('forwards an unknown ocg- model with the family its name suggests', () => {
    expect(catalog.resolve('ocg-kimi-k3')).toMatchObject({
      upstreamModel: 'kimi-k3',
      family: 'kimi',
      wire: 'chat',
      profile: PROFILES.kimi,
    });
  });

  it('forwards an unknown model of no known family as generic', () => {
    expect(catalog.resolve('opencode-go/mimo-v2.5-pro')).toMatchObject({
      upstreamModel: 'mimo-v2.5-pro',
      family: 'generic',
    });
  });

  it.each(['deepseek-v4-pro', 'ocg-', 'opencode-go/', 'gpt-5', ''])('does not serve %j', (requested) => {
    expect(catalog.resolve(requested)).toBeUndefined();
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'does not take %s for a MODEL_MAP_JSON entry',
    (requested) => {
      expect(
        createModelCatalog({ 'my-coder': { upstream: 'deepseek-v4-flash' } }).resolve(requested),
      ).toBeUndefined();
    },
  );
});

describe('model catalog: MODEL_MAP_JSON', () => {
  it('adds an id of its own, with the family of its upstream', () => {
    const mapped = createModelCatalog({ 'my-coder': { upstream: 'deepseek-v4-flash' } });

    expect(mapped.resolve('my-coder')).toMatchObject({
      requested: 'my-coder',
      upstreamModel: 'deepseek-v4-flash',
      family: 'deepseek',
      wire: 'chat',
    });
  });

  it('takes precedence over the prefix rule for a built-in id', () => {
    const mapped = createModelCatalog({ 'ocg-kimi-k2.6': { upstream: 'moonshotai/kimi-k2.6-turbo' } });

    expect(mapped.resolve('ocg-kimi-k2.6')).toMatchObject({
      upstreamModel: 'moonshotai/kimi-k2.6-turbo',
      family: 'kimi',
    });
  });

  it('lets an entry set the family and wire', () => {
    const mapped = createModelCatalog({
      'local-coder': { upstream: 'Qwen/Qwen3-Coder-30B', family: 'qwen', wire: 'chat' },
    });

    expect(mapped.resolve('local-coder')).toMatchObject({
      family: 'qwen',
      wire: 'chat',
      profile: PROFILES.qwen,
    });
  });

  it("keeps a built-in upstream's wire unless the entry sets one", () => {
    const mapped = createModelCatalog({ 'my-qwen': { upstream: 'qwen3.6-plus' } });

    expect(mapped.resolve('my-qwen')?.wire).toBe('anthropic');
  });

  it('lets a GPT id be mapped to an open model', () => {
    const mapped = createModelCatalog({ 'gpt-5.1-codex': { upstream: 'deepseek-v4-pro' } });

    expect(mapped.resolve('gpt-5.1-codex')?.upstreamModel).toBe('deepseek-v4-pro');
  });
});

describe('model catalog: listing', () => {
  const ids = catalog.list().map((model) => model.id);

  it('lists every built-in model under both prefixes', () => {
    for (const { upstreamModel } of BUILT_IN_MODELS) {
      expect(ids).toContain(`ocg-${upstreamModel}`);
      expect(ids).toContain(`opencode-go/${upstreamModel}`);
    }
    expect(ids).toHaveLength(BUILT_IN_MODELS.length * 2);
  });

  it('describes a listed model with its upstream, family, wire, label, context window and output limit', () => {
    expect(catalog.list().find((model) => model.id === 'ocg-kimi-k2.6')).toEqual({
      id: 'ocg-kimi-k2.6',
      upstreamModel: 'kimi-k2.6',
      family: 'kimi',
      wire: 'chat',
      label: 'Kimi K2.6',
      contextWindow: 262_144,
      maxOutputTokens: 65_536,
    });
  });

  it('lists MODEL_MAP_JSON ids too, labelled like their upstream', () => {
    const listed = createModelCatalog({ 'my-coder': { upstream: 'deepseek-v4-flash' } }).list();

    expect(listed.find((model) => model.id === 'my-coder')).toMatchObject({
      upstreamModel: 'deepseek-v4-flash',
      label: 'DeepSeek V4 Flash',
    });
  });

  it('labels a MODEL_MAP_JSON id with an unknown upstream by that upstream', () => {
    const listed = createModelCatalog({ 'local-coder': { upstream: 'Qwen/Qwen3-Coder-30B' } }).list();

    expect(listed.find((model) => model.id === 'local-coder')?.label).toBe('Qwen/Qwen3-Coder-30B');
  });

  it('lists an overridden built-in id once, where the override sends it', () => {
    const mapped = createModelCatalog({ 'ocg-kimi-k2.6': { upstream: 'moonshotai/kimi-k2.6-turbo' } });

    const listed = mapped.list().filter((model) => model.id === 'ocg-kimi-k2.6');

    expect(listed).toHaveLength(1);
    expect(listed[0]?.upstreamModel).toBe('moonshotai/kimi-k2.6-turbo');
  });
});

describe('isOpenAIModel', () => {
  it.each([
    'gpt-5',
    'gpt-5.1-codex-max',
    'GPT-4o',
    'chatgpt-4o-latest',
    'codex-mini-latest',
    'o1',
    'o3',
    'o4-mini',
  ])('takes %s for an OpenAI model', (model) => {
    expect(isOpenAIModel(model)).toBe(true);
  });

  it.each(['ocg-deepseek-v4-pro', 'opencode-go/kimi-k2.6', 'omni', 'o', 'deepseek-v4-pro', 'my-gpt-5'])(
    'does not take %s for an OpenAI model',
    (model) => {
      expect(isOpenAIModel(model)).toBe(false);
    },
  );
});
