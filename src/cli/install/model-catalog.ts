/**
 * The model catalog install writes for Codex (`model_catalog_json`, same schema as Codex's bundled catalog, parsed
 * strictly). It makes the ocg-* slugs known — context window, reasoning levels, and the freeform apply_patch tool
 * (which the bridge translates) — instead of Codex warning "Model metadata … not found".
 *
 * A catalog REPLACES Codex's built-in list, so the bundled GPT entries of the installed Codex (from
 * `codex debug models --bundled`) are copied in unchanged; otherwise the main session's GPT model would become
 * unknown.
 */
import { BUILT_IN_MODELS } from '../../models/catalog.ts';
import { BASE_INSTRUCTIONS } from './base-instructions.ts';

export type CatalogEntry = Record<string, unknown> & { slug: string };

export interface ModelCatalogFile {
  models: CatalogEntry[];
}

/** For ocg-* ids the bridge knows nothing special about (custom agents' models). */
const UNKNOWN_CONTEXT_WINDOW = 128_000;
const REASONING_LEVELS = [
  { effort: 'low', description: 'Less thinking: faster and cheaper' },
  { effort: 'medium', description: 'Balanced thinking for everyday tasks' },
  { effort: 'high', description: 'More thinking for hard problems' },
];

export interface OssModel {
  slug: string;
  label: string;
  contextWindow: number;
}

/** ocg-<model> for every built-in model, plus the extra slugs (e.g. custom agents' models) not already listed. */
export function ossModels(extraSlugs: readonly string[] = []): OssModel[] {
  const builtIn = BUILT_IN_MODELS.map((model) => ({
    slug: `ocg-${model.upstreamModel}`,
    label: model.label,
    contextWindow: model.contextWindow,
  }));
  const known = new Set(builtIn.map((model) => model.slug));
  const extra = [...new Set(extraSlugs)]
    .filter((slug) => !known.has(slug))
    .sort()
    .map((slug) => ({ slug, label: slug, contextWindow: UNKNOWN_CONTEXT_WINDOW }));
  return [...builtIn, ...extra];
}

export function catalogEntry(model: OssModel, priority: number): CatalogEntry {
  return {
    slug: model.slug,
    display_name: `${model.label} (OSS via opencode-bridge)`,
    description: `${model.label} from OpenCode Go, served by opencode-bridge.`,
    default_reasoning_level: 'medium',
    supported_reasoning_levels: REASONING_LEVELS,
    shell_type: 'unified_exec',
    visibility: 'list',
    supported_in_api: true,
    priority,
    support_verbosity: false,
    truncation_policy: { mode: 'tokens', limit: 10_000 },
    experimental_supported_tools: [],
    base_instructions: BASE_INSTRUCTIONS,
    apply_patch_tool_type: 'freeform',
    context_window: model.contextWindow,
  };
}

/** Our entries first, then the bundled ones (minus any slug we define). */
export function modelCatalog(
  models: readonly OssModel[],
  bundled: readonly CatalogEntry[],
): ModelCatalogFile {
  const ours = models.map((model, index) => catalogEntry(model, 100 + index));
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
