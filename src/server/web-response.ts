/**
 * Writes a web Response (a GPT answer passed through, a collected non-streamed answer) to Node's response. An
 * event stream goes out as it comes, waiting while the client is behind; a client that goes away cancels the
 * body, which tells whoever produces it (the pass-through ends its upstream call and logs the disconnect). Any
 * other body (JSON: an answer, an error) is read whole and sent with its Content-Length.
 */
import type { ServerResponse } from 'node:http';
import { drained } from './drain.ts';

function headersOf(response: Response): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return headers;
}

export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers = headersOf(response);
  if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) {
    let body: Buffer;
    try {
      body = Buffer.from(await response.arrayBuffer());
    } catch {
      res.destroy(); // the body failed before its end (its producer has logged why)
      return;
    }
    headers['content-length'] = String(body.byteLength);
    res.writeHead(response.status, headers);
    res.end(body);
    return;
  }
  res.writeHead(response.status, headers);
  const reader = response.body.getReader();
  const cancel = () => {
    if (!res.writableFinished) reader.cancel().catch(() => {});
  };
  res.once('close', cancel);
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
    res.off('close', cancel);
    reader.releaseLock();
  }
}
