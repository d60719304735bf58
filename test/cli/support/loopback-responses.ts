/**
 * A tiny scripted Responses API server on 127.0.0.1 that stands in for the bridge when the real Codex CLI runs
 * against an installed project: it records every request (headers and body) and answers `POST /v1/responses` with
 * the output items the script returns, as the minimal SSE Codex needs (one `response.output_item.done` per item,
 * then `response.completed`).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export type ResponsesScript = (request: RecordedRequest, index: number) => Array<Record<string, unknown>>;

export interface LoopbackResponses {
  port: number;
  requests: RecordedRequest[];
  /** POST /v1/responses requests only. */
  responses(): RecordedRequest[];
  close(): Promise<void>;
}

export function assistantMessage(text: string): Record<string, unknown> {
  return {
    type: 'message',
    role: 'assistant',
    id: `msg_${Math.random().toString(36).slice(2)}`,
    status: 'completed',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
}

export function functionCall(
  name: string,
  args: unknown,
  namespace?: string,
  id = Math.random().toString(36).slice(2),
): Record<string, unknown> {
  return {
    type: 'function_call',
    id: `fc_${id}`,
    call_id: `call_${id}`,
    name,
    ...(namespace ? { namespace } : {}),
    arguments: JSON.stringify(args),
  };
}

export async function startLoopbackResponses(script: ResponsesScript): Promise<LoopbackResponses> {
  const requests: RecordedRequest[] = [];
  let responsesServed = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // kept as text
      }
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      if (req.method === 'GET' && recorded.url.startsWith('/v1/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [] }));
        return;
      }
      if (req.method !== 'POST' || !recorded.url.startsWith('/v1/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"not found"}}');
        return;
      }
      const items = script(recorded, responsesServed++);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      items.forEach((item, index) => {
        res.write(
          `data: ${JSON.stringify({ type: 'response.output_item.done', output_index: index, item })}\n\n`,
        );
      });
      const usage = { input_tokens: 100, output_tokens: 10, total_tokens: 110 };
      res.end(
        `data: ${JSON.stringify({ type: 'response.completed', response: { id: `resp_${responsesServed}`, usage } })}\n\n`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    responses: () => requests.filter((request) => request.url.startsWith('/v1/responses')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
