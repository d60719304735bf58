/**
 * The model catalog install writes for Codex (`model_catalog_json`, same schema as Codex's bundled catalog, parsed
 * strictly). It makes the ocg-* slugs known — context window, reasoning levels, and the freeform apply_patch tool
 * (which the bridge translates) — instead of Codex warning "Model metadata … not found". The entries are the ones
 * the bridge serves to Codex's `GET /models` (src/models/codex-model-info.ts).
 *
 * A catalog REPLACES Codex's built-in list, so the bundled GPT entries of the installed Codex (from
 * `codex debug models --bundled`) are copied in unchanged; otherwise the main session's GPT model would become
 * unknown.
 */
import { BUILT_IN_MODELS, createModelCatalog } from '../../models/catalog.ts';
import {
  type CodexModelInfo,
  codexModelInfo,
  FIRST_PRIORITY,
  type ServedModel,
} from '../../models/codex-model-info.ts';

export type CatalogEntry = Record<string, unknown> & { slug: string };

export interface ModelCatalogFile {
  models: Array<CodexModelInfo | CatalogEntry>;
}

/**
 * ocg-<model> for every built-in model, plus the extra slugs (e.g. custom agents' models) not already listed, as the
 * bridge resolves them (without the bridge's MODEL_MAP_JSON, which install cannot see).
 */
export function ossModels(extraSlugs: readonly string[] = []): ServedModel[] {
  const catalog = createModelCatalog();
  const builtIn = BUILT_IN_MODELS.map((model) => `ocg-${model.upstreamModel}`);
  const extra = [...new Set(extraSlugs)].filter((slug) => !builtIn.includes(slug)).sort();
  return [...builtIn, ...extra].flatMap((slug) => {
    const model = catalog.resolve(slug);
    if (!model) return [];
    const label = BUILT_IN_MODELS.find((known) => known.upstreamModel === model.upstreamModel)?.label ?? slug;
    const { family, wire, contextWindow, maxOutputTokens } = model;
    return [{ id: slug, label, family, wire, contextWindow, maxOutputTokens }];
  });
}

/** Our entries first, then the bundled ones (minus any slug we define). */
export function modelCatalog(
  models: readonly ServedModel[],
  bundled: readonly CatalogEntry[],
): ModelCatalogFile {
  const ours = models.map((model, index) => codexModelInfo(model, FIRST_PRIORITY + index));
  const slugs = new Set(ours.map((entry) => entry.slug));
  return { models: [...ours, ...bundled.filter((entry) => !slugs.has(entry.slug))] };
}

export function renderModelCatalog(catalog: ModelCatalogFile): string {
  return `${JSON.stringify(catalog)}\n`; // compact: the bundled GPT entries make it large
}

/** The entries of `codex debug models --bundled` output. */
export function parseBundledCatalog(output: string): CatalogEntry[] {
  const parsed = JSON.parse(output) as { models?: unknown };
  if (!Array.isArray(parsed.models))
    throw new Error('`codex debug models --bundled` printed no "models" list');
  return parsed.models.filter(
    (entry): entry is CatalogEntry =>
      typeof entry === 'object' && entry !== null && typeof entry.slug === 'string',
  );
}
