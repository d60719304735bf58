import { describe, expect, it } from 'vitest';
import type { Config } from '../config.ts';
import { BridgeError } from '../errors.ts';
import { createModelCatalog } from '../models/catalog.ts';
import { routeModel } from './route-model.ts';

const catalog = createModelCatalog();

function gpt(strategy: Config['gpt']['strategy'], ossFallback = 'deepseek-v4-pro'): Config['gpt'] {
  return {
    strategy,
    ossFallback,
    openaiApiKey: undefined,
    openaiBaseUrl: 'https://api.openai.com/v1',
    chatgptBaseUrl: 'https://chatgpt.com/backend-api/codex',
    subagentAlias: undefined,
  };
}

/** The BridgeError routeModel throws; fails the test if it routes. */
function refusal(requested: string, strategy: Config['gpt']['strategy']): BridgeError {
  try {
    routeModel(requested, catalog, gpt(strategy));
  } catch (error) {
    if (error instanceof BridgeError) return error;
    throw error;
  }
  throw new Error(`expected ${requested} to be refused`);
}

describe('routeModel: open models', () => {
  it.each(['error', 'oss', 'openai'] as const)(
    'sends an ocg- model upstream under the %s strategy',
    (strategy) => {
      const route = routeModel('ocg-kimi-k2.6', catalog, gpt(strategy));

      expect(route).toEqual({ kind: 'oss', model: catalog.resolve('ocg-kimi-k2.6') });
    },
  );

  it('sends an opencode-go/ model upstream', () => {
    const route = routeModel('opencode-go/glm-5.1', catalog, gpt('error'));

    expect(route.kind === 'oss' && route.model.upstreamModel).toBe('glm-5.1');
  });

  it('sends a GPT id mapped in MODEL_MAP_JSON to its upstream, whatever the strategy', () => {
    const mapped = createModelCatalog({ 'gpt-5.1-codex': { upstream: 'deepseek-v4-flash' } });

    const route = routeModel('gpt-5.1-codex', mapped, gpt('error'));

    expect(route).toMatchObject({ kind: 'oss', model: { upstreamModel: 'deepseek-v4-flash' } });
  });
});

describe('routeModel: GPT models under GPT_MODEL_STRATEGY=error', () => {
  it('refuses them as model_not_supported on the model parameter', () => {
    expect(refusal('gpt-5.1-codex', 'error')).toMatchObject({
      status: 400,
      code: 'model_not_supported',
      param: 'model',
    });
  });

  it('names the ways to fix it', () => {
    const { message } = refusal('gpt-5.1-codex', 'error');

    expect(message).toContain("'gpt-5.1-codex'");
    expect(message).toContain('ocg-<model>');
    expect(message).toContain('GPT_MODEL_STRATEGY=openai');
    expect(message).toContain('OPENAI_API_KEY');
    expect(message).toContain('GPT_MODEL_STRATEGY=oss');
  });
});

describe('routeModel: GPT models under GPT_MODEL_STRATEGY=oss', () => {
  it('answers them with GPT_MODEL_OSS_FALLBACK', () => {
    const route = routeModel('gpt-5', catalog, gpt('oss'));

    expect(route).toMatchObject({
      kind: 'oss',
      model: { upstreamModel: 'deepseek-v4-pro', family: 'deepseek' },
    });
  });

  it('names the model that answers, and remembers the GPT id it stands in for', () => {
    const route = routeModel('gpt-5', catalog, gpt('oss'));

    expect(route).toMatchObject({
      kind: 'oss',
      aliasedFrom: 'gpt-5',
      model: { requested: 'ocg-deepseek-v4-pro' },
    });
  });

  it('accepts the fallback written as a Codex id', () => {
    const route = routeModel('o3', catalog, gpt('oss', 'ocg-kimi-k2.6'));

    expect(route).toMatchObject({
      kind: 'oss',
      model: { upstreamModel: 'kimi-k2.6', requested: 'ocg-kimi-k2.6' },
    });
  });

  it('accepts a fallback defined in MODEL_MAP_JSON', () => {
    const mapped = createModelCatalog({ fast: { upstream: 'deepseek-v4-flash' } });

    const route = routeModel('gpt-5-mini', mapped, gpt('oss', 'fast'));

    expect(route).toMatchObject({ kind: 'oss', model: { upstreamModel: 'deepseek-v4-flash' } });
  });
});

describe('routeModel: GPT models under GPT_MODEL_STRATEGY=openai', () => {
  it('passes them through to OpenAI', () => {
    expect(routeModel('gpt-5.1-codex', catalog, gpt('openai'))).toEqual({ kind: 'openai' });
  });
});

describe('routeModel: unknown models', () => {
  it.each(['error', 'oss', 'openai'] as const)(
    'refuses a model it does not know under the %s strategy',
    (strategy) => {
      const error = refusal('llama-3.3-70b', strategy);

      expect(error).toMatchObject({ status: 400, code: 'model_not_found', param: 'model' });
      expect(error.message).toContain('MODEL_MAP_JSON');
      expect(error.message).toContain('/v1/models');
    },
  );

  it('refuses a model named after an object property as not found', () => {
    expect(refusal('constructor', 'error').code).toBe('model_not_found');
  });
});

describe('routeModel for subagents that arrive with a GPT model (full-history forks)', () => {
  it('serves them with SUBAGENT_GPT_MODEL_ALIAS, saying what was asked for', () => {
    const route = routeModel('gpt-5.5', catalog, { ...gpt('openai'), subagentAlias: 'kimi-k2.6' }, true);
    expect(route).toMatchObject({
      kind: 'oss',
      model: { upstreamModel: 'kimi-k2.6' },
      aliasedFrom: 'gpt-5.5',
    });
  });

  it('leaves the main session on GPT', () => {
    expect(routeModel('gpt-5.5', catalog, { ...gpt('openai'), subagentAlias: 'kimi-k2.6' }, false)).toEqual({
      kind: 'openai',
    });
  });

  it('applies the strategy when no alias is configured', () => {
    expect(routeModel('gpt-5.5', catalog, gpt('openai'), true)).toEqual({ kind: 'openai' });
  });
});
