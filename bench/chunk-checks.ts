/**
 * What checking upstream chunks costs (src/upstream/chunk-check.ts): the hand-written check against a zod schema of
 * the same fields (loose objects, so unknown fields pass), over the recorded Chat streams in test/fixtures/chunks
 * and the bench's own text, reasoning and tool-call chunks, parsed once. Prints ns of CPU per chunk, best of 7 rounds;
 * JSON.parse of the same chunks is shown for scale (the bridge parses every chunk anyway).
 *
 *   node bench/chunk-checks.ts
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ChatChunk } from '../src/upstream/chat-types.ts';
import { chatChunkProblem } from '../src/upstream/chunk-check.ts';
import { readChunks } from '../test/support/fixtures.ts';
import { contentChunk, reasoningChunk, tokenPieces, toolCallChunk } from './chat-chunks.ts';

const text = z.string().nullish();
const count = z.number().nullish();
const usage = z
  .looseObject({
    prompt_tokens: count,
    completion_tokens: count,
    total_tokens: count,
    prompt_cache_hit_tokens: count,
    prompt_tokens_details: z.looseObject({ cached_tokens: count }).nullish(),
    completion_tokens_details: z.looseObject({ reasoning_tokens: count }).nullish(),
  })
  .nullish();
const delta = z
  .looseObject({
    content: text,
    reasoning_content: text,
    reasoning: text,
    refusal: text,
    reasoning_details: z.array(z.looseObject({ text })).nullish(),
    tool_calls: z
      .array(
        z.looseObject({
          index: z.number().int().nonnegative().optional(),
          id: text,
          type: text,
          function: z.looseObject({ name: text, arguments: text }).nullish(),
        }),
      )
      .nullish(),
  })
  .nullish();
const zodChunk = z.looseObject({
  usage,
  // Only the first choice is read; zod checks them all (one per chunk here).
  choices: z.array(z.looseObject({ finish_reason: text, usage, delta, message: delta })).nullish(),
});

function sampleChunks(): { texts: string[]; chunks: ChatChunk[] } {
  const fixtures = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'chunks');
  const recorded = readdirSync(fixtures)
    .filter((name) => name.endsWith('.chunks.jsonl'))
    .flatMap((name) => readChunks(name.replace('.chunks.jsonl', '')));
  const pieces = tokenPieces(600);
  const bench = [
    ...pieces.slice(0, 200).map(contentChunk),
    ...pieces.slice(200, 400).map(reasoningChunk),
    ...pieces
      .slice(400)
      .map((piece, index) => toolCallChunk(piece, index === 0 ? { id: 'c', name: 'f' } : undefined)),
  ].map((line) => line.slice('data: '.length).trim());
  const texts = [...recorded.map((chunk) => JSON.stringify(chunk)), ...bench];
  return { texts, chunks: texts.map((line) => JSON.parse(line) as ChatChunk) };
}

/** CPU time of this process, in ns: steadier than wall time on a machine others are using. */
function cpuNs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/**
 * ns of CPU per chunk for each variant, best of 7 rounds; the variants take turns within a round, so load on the
 * machine falls on all of them alike.
 */
function nsPerChunk(variants: Record<string, { size: number; run: () => number }>): Record<string, number> {
  const best: Record<string, number> = {};
  for (let round = 0; round < 8; round++) {
    for (const [name, { size, run }] of Object.entries(variants)) {
      const passes = Math.max(1, Math.round(1_000_000 / size));
      const started = cpuNs();
      for (let pass = 0; pass < passes; pass++) run();
      const ns = (cpuNs() - started) / (passes * size);
      // Round 0 warms the JIT up and is not counted.
      if (round > 0) best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, ns);
    }
  }
  return best;
}

const { texts, chunks } = sampleChunks();
const figures = nsPerChunk({
  'hand-written check': {
    size: chunks.length,
    run: () => chunks.filter((chunk) => chatChunkProblem(chunk)).length,
  },
  'zod loose schema': {
    size: chunks.length,
    run: () => chunks.filter((chunk) => !zodChunk.safeParse(chunk).success).length,
  },
  'JSON.parse (scale)': { size: texts.length, run: () => texts.map((line) => JSON.parse(line)).length },
});
console.log(
  `${chunks.length} chunks (recorded streams and bench chunks), ns of CPU per chunk, best of 7 rounds:`,
);
for (const [name, ns] of Object.entries(figures))
  console.log(`  ${name.padEnd(20)}${ns.toFixed(0).padStart(6)}`);
