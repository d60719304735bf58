/**
 * What Codex needs to know about a model the bridge serves, in Codex's own shape (`ModelInfo`, codex-rs/protocol
 * `openai_models.rs`): the answer to its `GET /models?client_version=…` and the entries of the catalog
 * `codex-oss install` writes. One source, so the two can never disagree. Without it Codex falls back to default
 * metadata: a wrong context window (compaction at the wrong time) and no apply_patch tool. Which fields Codex reads
 * and why each has its value: docs/codex-client.md#the-models-call.
 */
import type { ListedModel } from './catalog.ts';
import { BASE_INSTRUCTIONS } from './codex-base-instructions.ts';
import { PROFILES, type ReasoningEffort, type ReasoningLevel, THINKING_TOGGLE_LEVELS } from './profiles.ts';

export interface CodexModelInfo {
  slug: string;
  display_name: string;
  description: string;
  default_reasoning_level: ReasoningEffort;
  supported_reasoning_levels: readonly ReasoningLevel[];
  shell_type: 'unified_exec';
  visibility: 'list';
  supported_in_api: true;
  priority: number;
  upgrade: null;
  base_instructions: string;
  /** Codex before 0.169 sends `reasoning` (and so the effort) only for models that say true here. */
  supports_reasoning_summaries: true;
  support_verbosity: false;
  default_verbosity: null;
  /** The bridge turns Codex's freeform apply_patch into a function call and back (src/translate/tools.ts). */
  apply_patch_tool_type: 'freeform';
  /** How Codex truncates tool output before it goes to the model. */
  truncation_policy: { mode: 'tokens'; limit: number };
  /** Read by Codex before 0.169 (required there); later versions decide parallel calls themselves. */
  supports_parallel_tool_calls: true;
  context_window: number;
  max_context_window: number;
  effective_context_window_percent: number;
  experimental_supported_tools: [];
  input_modalities: Array<'text' | 'image'>;
  /** Codex defers tools behind tool_search only for models that say true; every tool goes to ours directly. */
  supports_search_tool: false;
}

/** The model facts the metadata is made of (the catalog's view of a served model). */
export type ServedModel = Pick<
  ListedModel,
  'id' | 'label' | 'family' | 'wire' | 'contextWindow' | 'maxOutputTokens'
>;

/** Codex's own default for the share of the window it lets the input fill (`effective_context_window_percent`). */
const EFFECTIVE_CONTEXT_WINDOW_PERCENT = 95;
const TOOL_OUTPUT_TOKEN_LIMIT = 10_000;
/** Our entries come after Codex's own models in its picker. */
export const FIRST_PRIORITY = 100;

/**
 * The Messages wire has one reasoning knob whatever the family: effort `none` switches thinking off
 * (src/translate/anthropic-request.ts).
 */
function reasoningOf(model: ServedModel): { levels: readonly ReasoningLevel[]; default: ReasoningEffort } {
  if (model.wire === 'anthropic') return { levels: THINKING_TOGGLE_LEVELS, default: 'medium' };
  const profile = PROFILES[model.family];
  return { levels: profile.reasoningLevels, default: profile.defaultReasoningLevel };
}

function tokensText(tokens: number): string {
  return tokens >= 1000 ? `${Math.round(tokens / 1000)}K` : String(tokens);
}

export function codexModelInfo(model: ServedModel, priority: number): CodexModelInfo {
  const reasoning = reasoningOf(model);
  return {
    slug: model.id,
    display_name: `${model.label} (OSS via opencode-bridge)`,
    // Codex's ModelInfo has no output-limit field; the description is where a user sees it.
    description:
      `${model.label} from OpenCode Go, served by opencode-bridge ` +
      `(context ${tokensText(model.contextWindow)} tokens, output up to ${tokensText(model.maxOutputTokens)}).`,
    default_reasoning_level: reasoning.default,
    supported_reasoning_levels: reasoning.levels,
    shell_type: 'unified_exec',
    visibility: 'list',
    supported_in_api: true,
    priority,
    upgrade: null,
    base_instructions: BASE_INSTRUCTIONS,
    supports_reasoning_summaries: true,
    support_verbosity: false,
    default_verbosity: null,
    apply_patch_tool_type: 'freeform',
    truncation_policy: { mode: 'tokens', limit: TOOL_OUTPUT_TOKEN_LIMIT },
    supports_parallel_tool_calls: true,
    context_window: model.contextWindow,
    max_context_window: model.contextWindow,
    effective_context_window_percent: EFFECTIVE_CONTEXT_WINDOW_PERCENT,
    experimental_supported_tools: [],
    input_modalities: PROFILES[model.family].acceptsImages ? ['text', 'image'] : ['text'],
    supports_search_tool: false,
  };
}

/** Codex's `ModelsResponse`: every served model, in catalog order. */
export function codexModelsResponse(models: readonly ServedModel[]): { models: CodexModelInfo[] } {
  return { models: models.map((model, index) => codexModelInfo(model, FIRST_PRIORITY + index)) };
}
