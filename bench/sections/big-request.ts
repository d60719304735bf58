/**
 * Section 4, translation cost of a big request. In-process: each step the bridge takes from body text to upstream
 * body (JSON.parse, zod validation, input items, translateRequest, JSON.stringify), timed alone. End to end: the
 * time from the client starting to send to the upstream having the whole body, through the bridge (the ~2 MB
 * Responses request) and direct (the translated Chat body), interleaved.
 */
import { performance } from 'node:perf_hooks';
import { parseInputItems } from '../../src/responses/input-items.ts';
import { parseResponsesRequest } from '../../src/responses/request.ts';
import { translateRequest } from '../../src/translate/request.ts';
import { bigCodexRequest } from '../big-request.ts';
import type { BenchContext } from '../context.ts';
import { SHORT_REPLY_CHUNKS } from '../fast-upstream.ts';
import { type Path, runOn } from '../paths.ts';
import { type Payload, resolveBenchModel } from '../payloads.ts';
import { streamProblem } from '../sse-client.ts';
import { addedAt, type Summary, summarize } from '../stats.ts';

export interface BigRequestResult {
  historyItems: number;
  responsesBytes: number;
  chatBytes: number;
  chatMessages: number;
  /** Per step, in the bench process (no I/O). */
  steps: Record<
    'jsonParse' | 'validate' | 'inputItems' | 'translateRequest' | 'jsonStringify' | 'total',
    Summary
  >;
  /** Client starts sending → upstream has the whole body. */
  forward: { direct: Summary; bridge: Summary; added: Pick<Summary, 'p50' | 'p95' | 'p99'> };
  errors: number;
  firstError: string | undefined;
}

type StepName = keyof BigRequestResult['steps'];

function timeSteps(ctx: BenchContext, text: string): Record<StepName, number> {
  const marks: number[] = [performance.now()];
  const json: unknown = JSON.parse(text);
  marks.push(performance.now());
  const request = parseResponsesRequest(json);
  marks.push(performance.now());
  const items = parseInputItems(request.input);
  marks.push(performance.now());
  const translation = translateRequest(request, items, {
    model: resolveBenchModel(request.model),
    lookup: ctx.lookup,
    stream: true,
    stripTools: false,
  });
  marks.push(performance.now());
  JSON.stringify(translation.body);
  marks.push(performance.now());
  const step = (index: number) => (marks[index + 1] as number) - (marks[index] as number);
  return {
    jsonParse: step(0),
    validate: step(1),
    inputItems: step(2),
    translateRequest: step(3),
    jsonStringify: step(4),
    total: (marks[5] as number) - (marks[0] as number),
  };
}

function pureSteps(ctx: BenchContext, text: string): BigRequestResult['steps'] {
  const runs: Array<Record<StepName, number>> = [];
  for (let run = 0; run < 3; run += 1) timeSteps(ctx, text);
  for (let run = 0; run < ctx.settings.big.pureRuns; run += 1) runs.push(timeSteps(ctx, text));
  const of = (name: StepName) => summarize(runs.map((run) => run[name]));
  return {
    jsonParse: of('jsonParse'),
    validate: of('validate'),
    inputItems: of('inputItems'),
    translateRequest: of('translateRequest'),
    jsonStringify: of('jsonStringify'),
    total: of('total'),
  };
}

async function forwardMs(ctx: BenchContext, path: Path, payload: Payload): Promise<number | string> {
  let sentAt = 0;
  const result = await runOn(ctx.agent, path, payload, 'big', {
    onSend: (at) => {
      sentAt = at;
    },
  });
  const problem = streamProblem(result, SHORT_REPLY_CHUNKS);
  const receivedAt = ctx.upstream.bodyReceivedAt.get(result.id);
  ctx.upstream.bodyReceivedAt.delete(result.id);
  if (problem || receivedAt === undefined) return `${path.kind}: ${problem ?? 'upstream saw no body'}`;
  return receivedAt - sentAt;
}

export async function runBigRequest(ctx: BenchContext): Promise<BigRequestResult> {
  const { historyItems, targetBytes, endToEndRuns } = ctx.settings.big;
  ctx.progress(`big request: ${historyItems} history items, ~${(targetBytes / 1e6).toFixed(1)} MB`);
  const carrier = ctx.bridgeCarrier;
  const request = bigCodexRequest({ historyItems, targetBytes, carrier });
  const responses = JSON.stringify(request);
  const translated = translateRequest(
    parseResponsesRequest(request),
    parseInputItems(request.input as unknown[]),
    {
      model: resolveBenchModel(),
      lookup: ctx.lookup,
      stream: true,
      stripTools: false,
    },
  );
  const payload: Payload = { name: 'big', responses, chat: JSON.stringify(translated.body) };
  const steps = pureSteps(ctx, responses);
  const direct: number[] = [];
  const bridge: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  for (let run = 0; run < endToEndRuns + 2; run += 1) {
    const order = run % 2 === 0 ? [ctx.direct, ctx.viaBridge] : [ctx.viaBridge, ctx.direct];
    for (const path of order) {
      const ms = await forwardMs(ctx, path, payload);
      if (typeof ms === 'string') {
        errors += 1;
        firstError ??= ms;
      } else if (run >= 2) {
        (path.kind === 'direct' ? direct : bridge).push(ms);
      }
    }
  }
  const directSummary = summarize(direct);
  const bridgeSummary = summarize(bridge);
  return {
    historyItems,
    responsesBytes: Buffer.byteLength(responses),
    chatBytes: Buffer.byteLength(payload.chat),
    chatMessages: translated.body.messages.length,
    steps,
    forward: { direct: directSummary, bridge: bridgeSummary, added: addedAt(bridgeSummary, directSummary) },
    errors,
    firstError,
  };
}
