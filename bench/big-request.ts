/**
 * A Codex-like late-session request: the captured first turn (instructions, tools, environment context) followed
 * by a long history of turns, each a reasoning item (sealed by the bridge's own key, as Codex would echo it back),
 * a function call, its output and an assistant message, padded to a target size (~2 MB by default).
 */
import type { ReasoningCarrier } from '../src/translate/reasoning-carrier.ts';
import { codexRequest } from './payloads.ts';

export interface BigRequestOptions {
  historyItems: number;
  targetBytes: number;
  carrier: ReasoningCarrier;
}

const ITEMS_PER_TURN = 4;

function toolOutput(turn: number, bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let line = 1; size < bytes; line += 1) {
    const text = `src/module${turn % 17}/file${line % 23}.ts:${line}:  const value${line} = compute("key-${turn}-${line}", ${line * 7}); // "quoted" \\ path\n`;
    lines.push(text);
    size += text.length;
  }
  return `Chunk ID: ${turn.toString(16)}\nWall time: 0.0${turn % 9} seconds\nProcess exited with code 0\nOutput:\n${lines.join('')}`;
}

function reasoningText(turn: number): string {
  const sentence = `Turn ${turn}: the failing test points at the parser; I should read the file, check the call sites and run the suite again. `;
  return sentence.repeat(12);
}

function turnItems(turn: number, carrier: ReasoningCarrier, outputBytes: number): object[] {
  const callId = `call_bench_${turn}`;
  return [
    {
      type: 'reasoning',
      id: `rs_bench_${turn}`,
      summary: [],
      content: null,
      encrypted_content: carrier.seal({ text: reasoningText(turn), model: 'deepseek-v4-flash' }),
    },
    {
      type: 'function_call',
      id: `fc_bench_${turn}`,
      status: 'completed',
      name: 'exec_command',
      arguments: JSON.stringify({
        cmd: `rg -n "compute" src/module${turn % 17} && sed -n 1,200p src/x${turn}.ts`,
      }),
      call_id: callId,
    },
    { type: 'function_call_output', call_id: callId, output: toolOutput(turn, outputBytes) },
    {
      type: 'message',
      role: 'assistant',
      content: [{ type: 'output_text', text: `Step ${turn} done: the module reads as expected; moving on.` }],
    },
  ];
}

function build(options: BigRequestOptions, outputBytes: number): Record<string, unknown> {
  const base = codexRequest();
  const history: object[] = [];
  for (let turn = 0; history.length < options.historyItems; turn += 1) {
    history.push(...turnItems(turn, options.carrier, outputBytes));
  }
  history.length = options.historyItems;
  const input = [
    ...(base.input as object[]),
    ...history,
    {
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'Continue with the next module.' }],
    },
  ];
  return { ...base, input };
}

/** Builds the request, sizing the tool outputs so the JSON body lands near the target. */
export function bigCodexRequest(options: BigRequestOptions): Record<string, unknown> {
  const turns = Math.ceil(options.historyItems / ITEMS_PER_TURN);
  let outputBytes = 4096;
  let request = build(options, outputBytes);
  for (let pass = 0; pass < 3; pass += 1) {
    const size = Buffer.byteLength(JSON.stringify(request));
    outputBytes = Math.max(64, Math.round(outputBytes + (options.targetBytes - size) / turns));
    request = build(options, outputBytes);
  }
  return request;
}
