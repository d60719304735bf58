import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { OssRun } from '../pipeline/oss-run.ts';
import type { ResponseEvent } from '../responses/output.ts';
import { respondWithRun } from './respond.ts';

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const event = (type: string, sequence: number) =>
  ({ type, sequence_number: sequence }) as unknown as ResponseEvent;

/**
 * A run that has opened and streams `batches`, the last one ending the response: just what the SSE pump reads of
 * an OssRun (the real one needs an upstream; the pump's behaviour is what is tested here).
 */
function scriptedRun(batches: ResponseEvent[][]): { run: OssRun; completed: () => boolean } {
  let finished = false;
  let completed = false;
  const run = {
    open: async () => {},
    translator: {
      start: () => [event('response.created', 0)],
      heartbeat: () => event('keepalive', -1),
      get finished() {
        return finished;
      },
    },
    async *events() {
      for (const [index, batch] of batches.entries()) {
        // Each batch from a socket read of its own, as from the upstream.
        await new Promise((resolve) => setImmediate(resolve));
        if (index === batches.length - 1) finished = true;
        yield batch;
      }
    },
    failWith: () => [],
    abort: () => {},
    complete: () => {
      completed = true;
    },
    shutdown: undefined,
    metrics: { activeStreams: { inc: () => {}, dec: () => {} } },
  };
  return { run: run as unknown as OssRun, completed: () => completed };
}

/** Every write the response's socket makes, as the text it carries (a writev counts once). */
function recordSocketWrites(res: ServerResponse): string[] {
  const socket = res.socket as Socket & {
    _write(chunk: Buffer | string, encoding: string, callback: () => void): void;
    _writev(chunks: Array<{ chunk: Buffer | string }>, callback: () => void): void;
  };
  const writes: string[] = [];
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (chunk, encoding, callback) => {
    writes.push(String(chunk));
    write(chunk, encoding, callback);
  };
  socket._writev = (chunks, callback) => {
    writes.push(chunks.map(({ chunk }) => String(chunk)).join(''));
    writev(chunks, callback);
  };
  return writes;
}

describe('the SSE pump', () => {
  // Node's HTTP response corks its socket until the next tick after a write: the end of the body, written in the
  // same tick as the terminal event (no await in between), goes out with it. This keeps it that way.
  it('sends the terminal event and the end of the body in one socket write, before the bookkeeping', async () => {
    const { run, completed } = scriptedRun([
      [event('response.output_text.delta', 1)],
      [event('response.output_text.done', 2), event('response.completed', 3)],
    ]);
    let writes: string[] = [];
    const server = createServer((_req, res) => {
      writes = recordSocketWrites(res);
      void respondWithRun(run, true, { heartbeatMs: 60_000, requestId: 'req_1', outgoing: res });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const body = await response.text();

    expect(body.match(/^event: .*/gm)).toEqual([
      'event: response.created',
      'event: response.output_text.delta',
      'event: response.output_text.done',
      'event: response.completed',
    ]);
    const last = writes.at(-1) ?? '';
    expect(last).toContain('event: response.completed');
    expect(last.endsWith('0\r\n\r\n')).toBe(true);
    expect(completed()).toBe(true);
  });
});
