// Executes a Reply on a node:http response. Waits end early when the client goes away or the
// mock closes, so no timer outlives a test.

import type { ServerResponse } from 'node:http';
import { type ChatRequestBody, wantsUsageChunk } from './chat-request.ts';
import type { BodyReply, ErrorReply, Reply } from './replies.ts';
import { planJson, planSse, type WireStep } from './reply-plan.ts';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
};

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** How a writer reaches its connection: when to stop waiting, and how to drop the socket on purpose. */
export interface ReplyConnection {
  signal: AbortSignal;
  destroy(): void;
  /** Called with the size of each write once it has left Node's buffers. */
  flushed?(bytes: number): void;
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}

/** Resolves once the text has left Node's buffers, so a deliberate destroy right after loses nothing. */
function writeFlushed(res: ServerResponse, text: string, connection: ReplyConnection): Promise<void> {
  const { signal } = connection;
  return new Promise((resolve) => {
    const finish = () => {
      signal.removeEventListener('abort', finish);
      resolve();
    };
    signal.addEventListener('abort', finish, { once: true });
    res.write(text, () => {
      connection.flushed?.(Buffer.byteLength(text));
      finish();
    });
  });
}

export function writeErrorReply(res: ServerResponse, reply: ErrorReply): void {
  const isText = typeof reply.body === 'string';
  const contentType = isText ? { 'content-type': 'text/plain; charset=utf-8' } : JSON_HEADERS;
  res.writeHead(reply.status, { ...contentType, ...reply.headers });
  res.end(isText ? (reply.body as string) : JSON.stringify(reply.body));
}

export async function executeSteps(
  res: ServerResponse,
  steps: WireStep[],
  headers: Record<string, string>,
  connection: ReplyConnection,
): Promise<void> {
  const { signal } = connection;
  const ensureHeaders = () => {
    if (!res.headersSent) res.writeHead(200, headers);
  };
  for (const step of steps) {
    if (signal.aborted) return;
    switch (step.type) {
      case 'wait':
        await sleep(step.ms, signal);
        break;
      case 'write':
        ensureHeaders();
        // One write per step, never corked: docs/wire-protocols.md#sse-framing (Node 24 cork/end ordering pitfall).
        await writeFlushed(res, step.text, connection);
        break;
      case 'destroy':
        connection.destroy();
        return;
      default: {
        const unknownStep: never = step;
        throw new Error(`unknown wire step ${JSON.stringify(unknownStep)}`);
      }
    }
  }
  if (signal.aborted) return;
  ensureHeaders();
  res.end();
}

async function writeBodyReply(
  res: ServerResponse,
  reply: BodyReply,
  request: ChatRequestBody,
  connection: ReplyConnection,
): Promise<void> {
  if (request.stream !== true) return executeSteps(res, planJson(reply, request), JSON_HEADERS, connection);
  res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  return executeSteps(res, planSse(reply, request, wantsUsageChunk(request)), SSE_HEADERS, connection);
}

export async function writeReply(
  res: ServerResponse,
  reply: Reply,
  request: ChatRequestBody,
  connection: ReplyConnection,
): Promise<void> {
  switch (reply.kind) {
    case 'error':
      return writeErrorReply(res, reply);
    case 'hang-before-headers':
      await sleep(reply.ms, connection.signal);
      if (connection.signal.aborted) return;
      if (reply.reply) return writeReply(res, reply.reply, request, connection);
      connection.destroy();
      return;
    default:
      return writeBodyReply(res, reply, request, connection);
  }
}
