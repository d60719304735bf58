/**
 * Fallback chains: which models to try, in order, when a model is rate limited, out of capacity or unavailable.
 * `FALLBACK_MODEL_MAP_JSON` maps an upstream model to the models to try after it.
 */

export type FallbackMap = Readonly<Record<string, readonly string[]>>;

/** As in the original bridge: deepseek-v4-pro → kimi-k2.6 → deepseek-v4-flash. */
export const DEFAULT_FALLBACKS: FallbackMap = {
  'deepseek-v4-pro': ['kimi-k2.6'],
  'kimi-k2.6': ['deepseek-v4-flash'],
};

/**
 * The primary model followed by its fallbacks, following links transitively (a → b and b → c gives a, b, c),
 * breadth first and without repeats.
 */
export function fallbackChain(primary: string, map: FallbackMap): string[] {
  const chain = [primary];
  for (let index = 0; index < chain.length; index++) {
    for (const next of map[chain[index] as string] ?? []) if (!chain.includes(next)) chain.push(next);
  }
  return chain;
}
