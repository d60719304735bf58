/**
 * What goes back to the client besides an SSE stream of the bridge's own: a web Response (a GPT answer passed
 * through) written as its body comes, waiting while the client is behind (a client that goes away cancels the
 * body, which tells the pass-through to end its upstream call and log the disconnect); and the bridge's own JSON,
 * sent whole with its Content-Length.
 */
import type { ServerResponse } from 'node:http';
import { drained, onClientGone } from './client-socket.ts';

function headersOf(response: Response): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return headers;
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, headersOf(response));
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const stopListening = onClientGone(res, () => {
    reader.cancel().catch(() => {});
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel().catch(() => {});
        return;
      }
      if (!res.write(value)) await drained(res);
    }
    res.end();
  } catch {
    // The body failed half-way (the producer has logged why): the client sees the connection cut, not a clean end.
    res.destroy();
  } finally {
    stopListening();
    reader.releaseLock();
  }
}
