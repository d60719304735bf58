// A scripted OpenAI-compatible Chat Completions provider standing in for OpenCode Go in tests.
// Every request is recorded, validated like the real providers (validate.ts), then answered with
// the next enqueued reply or, failing that, the scripted handler.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ChatRequestBody } from './chat-request.ts';
import { validateMessagesRequest } from './messages/validate-messages.ts';
import { writeMessagesReply } from './messages/write.ts';
import { DEFAULT_MODEL_IDS, modelListBody } from './models.ts';
import { openAiErrorBody } from './provider-errors.ts';
import { errorReply, type Reply, textReply } from './replies.ts';
import { checkAuthorization, validateChatRequest } from './validate.ts';
import { type ReplyConnection, writeErrorReply, writeReply } from './write-reply.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: any;
  /** True when the client closed the connection before the reply was complete. */
  clientAborted: boolean;
  /** Bytes of the reply body that have left the mock's buffers: stops growing while the client does not read. */
  bytesFlushed: number;
}

export interface ScriptContext {
  /** 0-based count of valid chat completion (or messages) requests before this one. */
  callIndex: number;
  headers: Record<string, string>;
  /** Which endpoint asked: '/v1/chat/completions' or '/v1/messages' (Anthropic format: `request` is a Messages body). */
  path: string;
}

export type ScriptHandler = (request: ChatRequestBody, context: ScriptContext) => Reply;

export interface MockUpstreamOptions {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Model ids served by GET /v1/models and accepted by chat completions. */
  models?: readonly string[];
}

/** Concurrency as the upstream saw it: requests whose reply had not finished yet. */
export interface MockUpstreamStats {
  inFlight: number;
  maxInFlight: number;
  maxInFlightByModel: Record<string, number>;
  /** TCP connections currently open to the mock. */
  openSockets: number;
  /** TCP connections ever opened to the mock (keep-alive reuse keeps this low). */
  totalConnections: number;
}

export interface MockUpstream {
  baseUrl: string;
  requests: RecordedRequest[];
  stats(): MockUpstreamStats;
  script(handler: ScriptHandler): void;
  enqueue(...replies: Reply[]): void;
  close(): Promise<void>;
}

export const DEFAULT_REPLY: Reply = textReply('Hello from the mock upstream.');

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function bodyForRecord(rawBody: string): unknown {
  if (rawBody === '') return undefined;
  try {
    return JSON.parse(rawBody);
  } catch {
    return rawBody;
  }
}

function pathOf(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}

export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const modelIds = options.models ?? DEFAULT_MODEL_IDS;
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  const inFlight = new Set<AbortController>();
  const sockets = new Set<Socket>();
  const inFlightByModel = new Map<string, number>();
  const maxInFlightByModel = new Map<string, number>();
  let maxInFlight = 0;
  let totalConnections = 0;
  let handler: ScriptHandler = () => DEFAULT_REPLY;
  let callIndex = 0;
  let closing = false;

  function nextReply(
    body: ChatRequestBody,
    headers: Record<string, string>,
    path = '/v1/chat/completions',
  ): Reply {
    const context = { callIndex: callIndex++, headers, path };
    const queued = queue.shift();
    if (queued) return queued;
    try {
      return handler(body, context);
    } catch (error) {
      return errorReply(500, { type: 'error', message: `Mock upstream script threw: ${String(error)}` });
    }
  }

  async function answerChat(
    res: ServerResponse,
    record: RecordedRequest,
    rawBody: string,
    connection: ReplyConnection,
  ) {
    const result = validateChatRequest(
      { headers: record.headers, rawBody },
      { apiKey: options.apiKey, modelIds },
    );
    if (!result.ok) return writeErrorReply(res, result.reply);
    return writeReply(res, nextReply(result.body, record.headers), result.body, connection);
  }

  async function answerMessages(
    res: ServerResponse,
    record: RecordedRequest,
    rawBody: string,
    connection: ReplyConnection,
  ) {
    const result = validateMessagesRequest(
      { headers: record.headers, rawBody },
      { apiKey: options.apiKey, modelIds },
    );
    if (!result.ok) return writeErrorReply(res, result.reply);
    const reply = nextReply(result.body as unknown as ChatRequestBody, record.headers, '/v1/messages');
    return writeMessagesReply(res, reply, result.body, connection);
  }

  function answerModels(res: ServerResponse, record: RecordedRequest) {
    const failure = checkAuthorization(record.headers, options.apiKey);
    if (failure) return writeErrorReply(res, failure);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(modelListBody(modelIds)));
  }

  async function route(
    res: ServerResponse,
    record: RecordedRequest,
    rawBody: string,
    connection: ReplyConnection,
  ) {
    const endpoint = `${record.method} ${record.path}`;
    if (endpoint === 'POST /v1/chat/completions') return answerChat(res, record, rawBody, connection);
    if (endpoint === 'POST /v1/messages') return answerMessages(res, record, rawBody, connection);
    if (endpoint === 'GET /v1/models') return answerModels(res, record);
    writeErrorReply(res, errorReply(404, openAiErrorBody(`Invalid URL (${endpoint})`)));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const rawBody = await readBody(req);
    const headers = flattenHeaders(req.headers);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: pathOf(req.url),
      headers,
      body: bodyForRecord(rawBody),
      clientAborted: false,
      bytesFlushed: 0,
    };
    requests.push(record);
    const controller = new AbortController();
    let destroyedOnPurpose = false;
    inFlight.add(controller);
    const model = typeof record.body?.model === 'string' ? (record.body.model as string) : '';
    const modelCount = (inFlightByModel.get(model) ?? 0) + 1;
    inFlightByModel.set(model, modelCount);
    maxInFlightByModel.set(model, Math.max(maxInFlightByModel.get(model) ?? 0, modelCount));
    maxInFlight = Math.max(maxInFlight, inFlight.size);
    res.on('close', () => {
      record.clientAborted = !res.writableFinished && !destroyedOnPurpose && !controller.signal.aborted;
      controller.abort();
      inFlight.delete(controller);
      inFlightByModel.set(model, (inFlightByModel.get(model) ?? 1) - 1);
    });
    const connection: ReplyConnection = {
      signal: controller.signal,
      destroy: () => {
        destroyedOnPurpose = true;
        res.destroy();
      },
      flushed: (bytes) => {
        record.bytesFlushed += bytes;
      },
    };
    await route(res, record, rawBody, connection);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A request torn down by close() or by its client is expected; anything else is a mock bug.
      if (!closing && !req.destroyed) console.error('mock upstream failed to answer', error);
      res.destroy();
    });
  });
  server.on('connection', (socket) => {
    totalConnections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    stats: () => ({
      inFlight: inFlight.size,
      maxInFlight,
      maxInFlightByModel: Object.fromEntries(maxInFlightByModel),
      openSockets: sockets.size,
      totalConnections,
    }),
    script: (next) => {
      handler = next;
    },
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const controller of inFlight) controller.abort();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
