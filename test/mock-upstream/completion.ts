// Folds stream chunks into the one chat.completion object a non-streaming request gets, so both
// modes answer from the same scripted reply.

interface ToolCallFragment {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface ChunkLike {
  id?: string;
  created?: number;
  model?: string;
  system_fingerprint?: string;
  usage?: unknown;
  choices?: Array<{
    delta?: { content?: string | null; reasoning_content?: string | null; tool_calls?: ToolCallFragment[] };
    finish_reason?: string | null;
  }>;
}

interface AccumulatedToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}

interface Accumulator {
  content: string;
  reasoning: string;
  toolCalls: Map<number, AccumulatedToolCall>;
  finishReason: string | null;
  usage: unknown;
}

function addToolCallFragment(toolCalls: Map<number, AccumulatedToolCall>, fragment: ToolCallFragment): void {
  const index = fragment.index ?? 0;
  const call = toolCalls.get(index) ?? { id: '', type: 'function', function: { name: '', arguments: '' } };
  call.id ||= fragment.id ?? '';
  call.type = fragment.type ?? call.type;
  call.function.name ||= fragment.function?.name ?? '';
  call.function.arguments += fragment.function?.arguments ?? '';
  toolCalls.set(index, call);
}

function accumulate(state: Accumulator, chunk: ChunkLike): Accumulator {
  for (const choice of chunk.choices ?? []) {
    state.content += choice.delta?.content ?? '';
    state.reasoning += choice.delta?.reasoning_content ?? '';
    for (const fragment of choice.delta?.tool_calls ?? []) addToolCallFragment(state.toolCalls, fragment);
    state.finishReason = choice.finish_reason ?? state.finishReason;
  }
  if (chunk.usage) state.usage = chunk.usage;
  return state;
}

function assistantMessage(state: Accumulator) {
  const toolCalls = [...state.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  return {
    role: 'assistant',
    content: state.content === '' && toolCalls.length > 0 ? null : state.content,
    ...(state.reasoning ? { reasoning_content: state.reasoning } : {}),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
}

export function foldChunksIntoCompletion(chunks: object[]): object {
  const typed = chunks as ChunkLike[];
  const initial: Accumulator = {
    content: '',
    reasoning: '',
    toolCalls: new Map(),
    finishReason: null,
    usage: null,
  };
  const state = typed.reduce(accumulate, initial);
  const first = typed[0] ?? {};
  return {
    id: first.id ?? 'chatcmpl-mock',
    object: 'chat.completion',
    created: first.created ?? Math.floor(Date.now() / 1000),
    model: first.model ?? 'unknown',
    system_fingerprint: first.system_fingerprint ?? null,
    choices: [
      { index: 0, message: assistantMessage(state), logprobs: null, finish_reason: state.finishReason },
    ],
    usage: state.usage,
  };
}
