// The OpenCode Go model catalog the mock serves, and the family each model id belongs to.
// Qwen and MiniMax are listed by Go but served only on /messages (Anthropic format), never on
// /chat/completions — docs/providers.md#endpoints-and-wires.

export type ModelFamily = 'deepseek' | 'kimi' | 'glm' | 'qwen' | 'minimax' | 'generic';

export const DEFAULT_MODEL_IDS: readonly string[] = [
  'deepseek-v4-pro',
  'deepseek-v4-flash',
  'kimi-k2.6',
  'kimi-k2.5',
  'glm-5.1',
  'qwen3.6-plus',
  'minimax-m2.7',
];

const FAMILY_PREFIXES: ReadonlyArray<[string, ModelFamily]> = [
  ['deepseek-', 'deepseek'],
  ['kimi-', 'kimi'],
  ['glm-', 'glm'],
  ['qwen', 'qwen'],
  ['minimax-', 'minimax'],
];

export function familyOf(model: string): ModelFamily {
  const match = FAMILY_PREFIXES.find(([prefix]) => model.startsWith(prefix));
  return match ? match[1] : 'generic';
}

export function isServedOnlyAsMessages(model: string): boolean {
  const family = familyOf(model);
  return family === 'qwen' || family === 'minimax';
}

// Fixed so that recorded `/models` answers stay stable between runs.
const CATALOG_CREATED_AT = 1_780_000_000;

export function modelListBody(modelIds: readonly string[]) {
  return {
    object: 'list',
    data: modelIds.map((id) => ({ id, object: 'model', created: CATALOG_CREATED_AT, owned_by: 'opencode' })),
  };
}
