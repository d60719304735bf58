/**
 * A loopback stand-in for the ChatGPT backend Codex talks to when signed in with a ChatGPT account: the Responses
 * endpoint the bridge forwards GPT requests to (`CHATGPT_BASE_URL`, by default https://chatgpt.com/backend-api/codex),
 * the rest of Codex's `chatgpt_base_url` (account checks, plugins: answered 404, which Codex tolerates) and the
 * token refresh endpoint (CODEX_REFRESH_TOKEN_URL_OVERRIDE), so a test can prove Codex never tried a refresh.
 * Every request is recorded with its headers and raw body; `POST …/codex/responses` is answered with the output
 * items the script returns, as the minimal SSE Codex needs.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BackendRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as received. */
  raw: string;
  body: any;
}

export type BackendScript = (request: BackendRequest, index: number) => Array<Record<string, unknown>>;

export interface ChatgptBackend {
  /** What the bridge's CHATGPT_BASE_URL points at. */
  codexBaseUrl: string;
  /** Codex's own `chatgpt_base_url` (the backend root). */
  backendUrl: string;
  /** Where CODEX_REFRESH_TOKEN_URL_OVERRIDE points. */
  refreshUrl: string;
  requests: BackendRequest[];
  responses(): BackendRequest[];
  refreshAttempts(): BackendRequest[];
  close(): Promise<void>;
}

const RESPONSES_PATH = '/backend-api/codex/responses';
const REFRESH_PATH = '/oauth/token';

export async function startChatgptBackend(script: BackendScript): Promise<ChatgptBackend> {
  const requests: BackendRequest[] = [];
  let served = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, body };
      requests.push(recorded);
      if (req.method === 'POST' && recorded.url.split('?')[0] === RESPONSES_PATH) {
        const items = script(recorded, served++);
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': `chatgpt-req-${served}` });
        items.forEach((item, index) => {
          res.write(
            `data: ${JSON.stringify({ type: 'response.output_item.done', output_index: index, item })}\n\n`,
          );
        });
        const usage = { input_tokens: 200, output_tokens: 20, total_tokens: 220 };
        res.end(
          `data: ${JSON.stringify({ type: 'response.completed', response: { id: `resp_chatgpt_${served}`, status: 'completed', usage } })}\n\n`,
        );
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"detail":"not found (stand-in)"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    codexBaseUrl: `${origin}/backend-api/codex`,
    backendUrl: `${origin}/backend-api/`,
    refreshUrl: `${origin}${REFRESH_PATH}`,
    requests,
    responses: () => requests.filter((request) => request.url.split('?')[0] === RESPONSES_PATH),
    refreshAttempts: () => requests.filter((request) => request.url.startsWith(REFRESH_PATH)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
