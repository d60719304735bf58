/**
 * What each upstream model family needs from a Chat Completions request. Every model quirk lives here; nothing
 * else in the code branches on a model name. The reason and source of each rule: docs/providers.md#model-profiles.
 */

export type Family = 'deepseek' | 'kimi' | 'glm' | 'qwen' | 'minimax' | 'generic';

export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface ReasoningReplay {
  /**
   * Where replayed reasoning goes in an assistant message: the `reasoning_content` field, `<think>` tags in the
   * content, or Anthropic `thinking` blocks with their signatures (the Messages wire).
   */
  into: 'reasoning_content' | 'think-tags' | 'thinking-blocks' | 'none';
  /** Which assistant messages must carry it. */
  scope: 'all' | 'tool-calls';
  /** Sent when the reasoning of a message is unknown or empty; null = send nothing. */
  placeholder: string | null;
}

export interface ModelProfile {
  family: Family;
  /** Role for `instructions` and developer/system messages; DeepSeek and Kimi reject `developer`. */
  systemRole: 'system' | 'developer';
  replay: ReasoningReplay;
  /** Thinking models reject a forced tool_choice (`required` or a named tool). */
  onlyAutoToolChoice: boolean;
  /** Kimi pins temperature and top_p and rejects other values. */
  dropSampling: boolean;
  schemaDialect: 'standard' | 'moonshot';
  acceptsImages: boolean;
  /** `<think>…</think>` at the start of `content` carries reasoning. */
  thinkTags: boolean;
  /** Structured output: json_schema where supported, else json_object plus the schema as an instruction. */
  responseFormat: 'json_schema' | 'json_object';
  /** DeepSeek requires `content` on assistant tool-call messages (an empty string is fine). */
  requiresAssistantContent: boolean;
  forwardPromptCacheKey: boolean;
  /** Chat request fields for a Responses `reasoning.effort`. */
  effortFields(effort: ReasoningEffort): Record<string, unknown>;
  /**
   * The efforts Codex may offer for this family (its model metadata): one per distinct thing `effortFields`
   * does, so no two levels behave the same upstream. `defaultReasoningLevel` is what Codex sends when the user
   * chose none.
   */
  reasoningLevels: readonly ReasoningLevel[];
  defaultReasoningLevel: ReasoningEffort;
}

export interface ReasoningLevel {
  effort: ReasoningEffort;
  description: string;
}

const THINKING_OFF: ReasoningLevel = { effort: 'none', description: 'Thinking off: fastest, no reasoning' };

/** Families whose only knob is thinking on or off; `medium` stands for "on". */
export const THINKING_TOGGLE_LEVELS: readonly ReasoningLevel[] = [
  THINKING_OFF,
  { effort: 'medium', description: 'Thinking on' },
];

const thinkingDisabled = { thinking: { type: 'disabled' } };

function deepseekEffort(effort: ReasoningEffort): Record<string, unknown> {
  switch (effort) {
    case 'none':
      return thinkingDisabled;
    case 'minimal':
    case 'low':
      return { reasoning_effort: 'low' };
    case 'medium':
    case 'high':
      return { reasoning_effort: 'high' };
    case 'xhigh':
    case 'max':
      return { reasoning_effort: 'max' };
  }
}

/** Kimi K2.x and GLM-5.1 have no effort knob on OpenCode Go; only thinking on/off. */
function thinkingToggleOnly(effort: ReasoningEffort): Record<string, unknown> {
  return effort === 'none' ? thinkingDisabled : {};
}

const base: ModelProfile = {
  family: 'generic',
  systemRole: 'system',
  replay: { into: 'none', scope: 'all', placeholder: null },
  onlyAutoToolChoice: false,
  dropSampling: false,
  schemaDialect: 'standard',
  acceptsImages: true,
  thinkTags: true,
  responseFormat: 'json_schema',
  requiresAssistantContent: false,
  forwardPromptCacheKey: true,
  effortFields: (effort) => ({ reasoning_effort: effort }),
  reasoningLevels: [
    { effort: 'low', description: 'Less thinking: faster and cheaper' },
    { effort: 'medium', description: 'Balanced thinking for everyday tasks' },
    { effort: 'high', description: 'More thinking for hard problems' },
  ],
  defaultReasoningLevel: 'medium',
};

export const PROFILES: Readonly<Record<Family, ModelProfile>> = {
  generic: base,
  deepseek: {
    ...base,
    family: 'deepseek',
    // V4 thinking mode: every assistant message carries reasoning_content; V4 Pro rejects "" but accepts " ".
    replay: { into: 'reasoning_content', scope: 'all', placeholder: ' ' },
    onlyAutoToolChoice: true,
    acceptsImages: false,
    thinkTags: false,
    responseFormat: 'json_object',
    requiresAssistantContent: true,
    forwardPromptCacheKey: false,
    effortFields: deepseekEffort,
    // `xhigh` rather than `max`: Codex versions before 0.169 reject an effort they do not know, and with it the
    // whole model list.
    reasoningLevels: [
      THINKING_OFF,
      { effort: 'low', description: 'Light thinking (DeepSeek reasoning_effort low)' },
      { effort: 'high', description: 'Deep thinking (DeepSeek reasoning_effort high)' },
      { effort: 'xhigh', description: 'Maximum thinking (DeepSeek reasoning_effort max)' },
    ],
    // What Codex's usual `medium` maps to.
    defaultReasoningLevel: 'high',
  },
  kimi: {
    ...base,
    family: 'kimi',
    replay: { into: 'reasoning_content', scope: 'tool-calls', placeholder: '' },
    onlyAutoToolChoice: true,
    dropSampling: true,
    schemaDialect: 'moonshot',
    acceptsImages: true,
    thinkTags: false,
    responseFormat: 'json_object',
    forwardPromptCacheKey: false,
    effortFields: thinkingToggleOnly,
    reasoningLevels: THINKING_TOGGLE_LEVELS,
    defaultReasoningLevel: 'medium',
  },
  glm: {
    ...base,
    family: 'glm',
    // Preserved thinking: return reasoning_content unmodified; no documented 400 when absent.
    replay: { into: 'reasoning_content', scope: 'all', placeholder: null },
    acceptsImages: false,
    thinkTags: false,
    responseFormat: 'json_object',
    forwardPromptCacheKey: false,
    effortFields: thinkingToggleOnly,
    reasoningLevels: THINKING_TOGGLE_LEVELS,
    defaultReasoningLevel: 'medium',
  },
  qwen: {
    ...base,
    family: 'qwen',
    replay: { into: 'reasoning_content', scope: 'all', placeholder: null },
    forwardPromptCacheKey: false,
    effortFields: (effort) => (effort === 'none' ? { enable_thinking: false } : {}),
    reasoningLevels: THINKING_TOGGLE_LEVELS,
    defaultReasoningLevel: 'medium',
  },
  minimax: {
    ...base,
    family: 'minimax',
    // MiniMax's OpenAI-compatible API wants the whole assistant message back, <think> block included.
    replay: { into: 'think-tags', scope: 'all', placeholder: null },
    onlyAutoToolChoice: true,
    acceptsImages: false,
    forwardPromptCacheKey: false,
    effortFields: () => ({}),
    // No effort knob on the Chat wire; over Messages (its default wire) thinking can be switched off.
    reasoningLevels: [{ effort: 'medium', description: 'Thinking on (always, on the Chat wire)' }],
    defaultReasoningLevel: 'medium',
  },
};

export function familyOfUpstreamModel(upstreamModel: string): Family {
  const id = upstreamModel.toLowerCase().replace(/^.*\//, '');
  if (id.startsWith('deepseek')) return 'deepseek';
  if (id.startsWith('kimi') || id.startsWith('moonshot')) return 'kimi';
  if (id.startsWith('glm')) return 'glm';
  if (id.startsWith('qwen')) return 'qwen';
  if (id.startsWith('minimax')) return 'minimax';
  return 'generic';
}
