import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeSink } from './sse-sink.ts';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Serves one request with `handle` and returns the body the client read. */
async function serveOnce(handle: (res: ServerResponse) => void): Promise<{ status: number; body: string }> {
  const server = createServer((_req, res) => handle(res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return { status: response.status, body: await response.text() };
}

describe('nodeSink', () => {
  it('sends the headers with the first event, not in a write of their own', async () => {
    const written: number[] = [];
    const { status, body } = await serveOnce((res) => {
      const sink = nodeSink(res, { 'content-type': 'text/event-stream' });
      written.push(res.socket?.bytesWritten ?? -1);
      sink.write('event: first\ndata: {}\n\n');
      written.push(res.socket?.bytesWritten ?? -1);
      sink.end();
    });

    expect(written[0]).toBe(0);
    expect(written[1]).toBeGreaterThan('event: first\ndata: {}\n\n'.length);
    expect(status).toBe(200);
    expect(body).toBe('event: first\ndata: {}\n\n');
  });
});
