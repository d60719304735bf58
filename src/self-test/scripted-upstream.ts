/**
 * A tiny Chat Completions provider on loopback for the self-test: the n-th request is checked by the n-th scripted
 * turn and answered with that turn's stream. Self-contained on purpose: the test suite's mock upstream (test/) is
 * not shipped in the npm package, and the self-test must run from an installed package, offline.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The fields of a Chat Completions message the self-test looks at. */
export interface ChatMessage {
  role?: string;
  content?: unknown;
  reasoning_content?: unknown;
  tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }>;
  tool_call_id?: string;
}

/** The fields of a Chat Completions request the self-test looks at. */
export interface ChatRequest {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: ChatMessage[];
  tools?: Array<{ type?: string; function?: { name?: string } }>;
}

export interface ScriptedTurn {
  /** What is wrong with the request the bridge sent for this turn; empty when it is right. */
  problems(request: ChatRequest): string[];
  /** One `delta` per chat.completion.chunk, streamed in order. */
  deltas: object[];
  finishReason: 'stop' | 'tool_calls';
}

export interface ScriptedUpstream {
  /** Base URL including /v1, as OPENCODE_GO_BASE_URL takes it. */
  baseUrl: string;
  /** Every problem found in the bridge's requests, prefixed with the turn number. */
  problems: string[];
  close(): Promise<void>;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8'));
}

function answerError(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: null } }));
}

function chunk(model: string, delta: object, finishReason: string | null): object {
  return {
    id: 'chatcmpl-self-test',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

function streamTurn(response: ServerResponse, turn: ScriptedTurn, request: ChatRequest): void {
  const model = request.model ?? 'unknown';
  const chunks = [
    ...turn.deltas.map((delta) => chunk(model, delta, null)),
    chunk(model, {}, turn.finishReason),
  ];
  if (request.stream_options?.include_usage) {
    const usage = { prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 };
    chunks.push({ ...chunk(model, {}, null), choices: [], usage });
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const piece of chunks) response.write(`data: ${JSON.stringify(piece)}\n\n`);
  response.end('data: [DONE]\n\n');
}

export async function startScriptedUpstream(
  turns: readonly ScriptedTurn[],
  apiKey: string,
): Promise<ScriptedUpstream> {
  const problems: string[] = [];
  let calls = 0;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST' || request.url?.split('?')[0] !== '/v1/chat/completions') {
      return answerError(response, 404, `The self-test upstream only serves POST /v1/chat/completions.`);
    }
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      problems.push('the bridge did not send the upstream key as a Bearer token');
      return answerError(response, 401, 'Missing or wrong upstream key.');
    }
    const body = (await readJson(request)) as ChatRequest;
    const turnNumber = ++calls;
    const turn = turns[turnNumber - 1];
    if (!turn) return answerError(response, 500, `Unexpected request number ${turnNumber}.`);
    const found = body.stream === true ? turn.problems(body) : ['the request did not ask for a stream'];
    if (found.length > 0) {
      problems.push(...found.map((problem) => `turn ${turnNumber}: ${problem}`));
      return answerError(response, 400, found.join('; '));
    }
    streamTurn(response, turn, body);
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      answerError(response, 500, `Self-test upstream failed: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
