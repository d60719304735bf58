/**
 * Pre-serialised Chat Completions SSE chunks, shaped like a real provider's (id, object, created, model, choices),
 * built once so the bench upstream spends no time on JSON while it streams.
 */

const MODEL = 'deepseek-v4-flash';
const HEAD = `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1780000000,"model":"${MODEL}","choices":[{"index":0,"delta":`;
const TAIL = ',"finish_reason":null}]}\n\n';

const WORDS =
  'the quick brown fox jumps over a lazy dog while we read the file and run tests then fix the bug in parser ok'.split(
    ' ',
  );

/** Deterministic 1–4 character pieces, like tokens of a real stream. */
export function tokenPieces(count: number, seed = 1): string[] {
  const pieces: string[] = [];
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
  for (let index = 0; index < count; index += 1) {
    const word = WORDS[next() % WORDS.length] as string;
    const length = 1 + (next() % 4);
    pieces.push(index % 3 === 0 ? ` ${word}`.slice(0, length) : word.slice(0, length));
  }
  return pieces;
}

export function contentChunk(text: string): string {
  return `${HEAD}{"content":${JSON.stringify(text)}}${TAIL}`;
}

export function reasoningChunk(text: string): string {
  return `${HEAD}{"reasoning_content":${JSON.stringify(text)}}${TAIL}`;
}

/** The first fragment of a tool call carries its id and name; later ones only argument text. */
export function toolCallChunk(args: string, opening?: { id: string; name: string }): string {
  const head = opening
    ? `{"index":0,"id":${JSON.stringify(opening.id)},"type":"function","function":{"name":${JSON.stringify(opening.name)},"arguments":${JSON.stringify(args)}}}`
    : `{"index":0,"function":{"arguments":${JSON.stringify(args)}}}`;
  return `${HEAD}{"tool_calls":[${head}]}${TAIL}`;
}

/** Finish reason, usage chunk and [DONE]: the server ends the body right after this. */
export function streamEnd(finishReason: 'stop' | 'tool_calls', outputTokens: number): string {
  const usage = {
    prompt_tokens: 1200,
    completion_tokens: outputTokens,
    total_tokens: 1200 + outputTokens,
    prompt_tokens_details: { cached_tokens: 1024 },
  };
  return (
    `${HEAD}{}${TAIL.replace('"finish_reason":null', `"finish_reason":"${finishReason}"`)}` +
    `data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1780000000,"model":"${MODEL}","choices":[],"usage":${JSON.stringify(usage)}}\n\n` +
    'data: [DONE]\n\n'
  );
}

/** A text-only answer of `count` chunks as one buffer: what the throughput section floods the bridge with. */
export function textStream(count: number): Buffer {
  const parts = tokenPieces(count).map(contentChunk);
  parts.push(streamEnd('stop', count));
  return Buffer.from(parts.join(''));
}

/** Reasoning (a fifth of the chunks), then text: a whole answer of `count` delta chunks as one buffer. */
export function sizedReply(count: number): Buffer {
  const reasoning = Math.floor(count / 5);
  const parts = [
    ...tokenPieces(reasoning, 7).map(reasoningChunk),
    ...tokenPieces(count - reasoning, 11).map(contentChunk),
  ];
  parts.push(streamEnd('stop', count));
  return Buffer.from(parts.join(''));
}

export interface PacedPlan {
  reasoning: number;
  text: number;
  toolArgs: number;
  intervalMs: number;
}

export function planChunkCount(plan: PacedPlan): number {
  return plan.reasoning + plan.text + plan.toolArgs;
}

/** Reasoning, then text, then one tool call whose arguments arrive in pieces: one delta event per chunk. */
export function pacedChunks(plan: PacedPlan): { deltas: string[]; end: string } {
  const deltas = [
    ...tokenPieces(plan.reasoning, 7).map(reasoningChunk),
    ...tokenPieces(plan.text, 11).map(contentChunk),
  ];
  const args = toolArgumentPieces(plan.toolArgs);
  args.forEach((piece, index) => {
    deltas.push(toolCallChunk(piece, index === 0 ? { id: 'call_bench_1', name: 'exec_command' } : undefined));
  });
  return { deltas, end: streamEnd(plan.toolArgs > 0 ? 'tool_calls' : 'stop', planChunkCount(plan)) };
}

function toolArgumentPieces(count: number): string[] {
  if (count === 0) return [];
  const json = JSON.stringify({ cmd: `rg -n "TODO" src ${'--glob *.ts '.repeat(count)}`.trim() });
  const size = Math.ceil(json.length / count);
  const pieces: string[] = [];
  for (let index = 0; index < count; index += 1) pieces.push(json.slice(index * size, (index + 1) * size));
  return pieces;
}
