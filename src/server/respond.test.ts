import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BridgeError } from '../errors.ts';
import type { ResponseRun } from '../pipeline/response-run.ts';
import type { ResponseEvent, ResponseObject } from '../responses/output.ts';
import { collectRun, streamRun } from './respond.ts';

const response = (status: ResponseObject['status']) => ({ id: 'resp_1', status }) as ResponseObject;
const event = (type: string, sequence: number, status: ResponseObject['status'] = 'in_progress') =>
  ({ type, sequence_number: sequence, response: response(status) }) as ResponseEvent;

/** A run with scripted events; `complete()` calls are counted. */
function scriptedRun(script: { open?: () => Promise<void>; events: () => AsyncGenerator<ResponseEvent[]> }) {
  const completions: boolean[] = [];
  let ended: ResponseObject | undefined;
  const run: ResponseRun = {
    open: script.open ?? (() => Promise.resolve()),
    start: () => [event('response.created', 0), event('response.in_progress', 1)],
    heartbeat: () => event('response.in_progress', -1),
    async *events() {
      for await (const batch of script.events()) {
        const last = batch.at(-1);
        if (last?.type === 'response.completed') ended = response('completed');
        yield batch;
      }
    },
    failWith: () => [],
    abort: () => {},
    complete: (disconnected) => completions.push(disconnected),
    get finished() {
      return ended !== undefined;
    },
    get response() {
      return ended;
    },
    error: undefined,
    shutdown: undefined,
    metrics: { activeStreams: { inc: () => {}, dec: () => {} } } as unknown as ResponseRun['metrics'],
  };
  return { run, completions };
}

const options = { heartbeatMs: 60_000, requestId: 'req_1' };

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server that answers with `handle`; resolves to its URL. */
async function serveOnce(handle: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((_req, res) => handle(res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
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

describe('collectRun (a non-streamed answer)', () => {
  it('answers with the final Response object and reports the run once', async () => {
    const { run, completions } = scriptedRun({
      async *events() {
        yield [event('response.completed', 2, 'completed')];
      },
    });
    const answer = await collectRun(run, options.heartbeatMs);
    expect(answer).toEqual({ id: 'resp_1', status: 'completed' });
    expect(completions).toEqual([false]);
  });

  it('reports the run even when collecting its events throws', async () => {
    const { run, completions } = scriptedRun({
      // biome-ignore lint/correctness/useYield: a run that breaks before its first batch
      async *events() {
        throw new Error('translator bug');
      },
    });
    await expect(collectRun(run, options.heartbeatMs)).rejects.toThrow('translator bug');
    expect(completions).toEqual([false]);
  });

  it('reports the run once when it cannot open, and answers with its HTTP error', async () => {
    const refused = new BridgeError({ status: 429, code: 'rate_limit_exceeded', message: 'slow down' });
    const { run, completions } = scriptedRun({
      open: () => Promise.reject(refused),
      async *events() {},
    });
    await expect(collectRun(run, options.heartbeatMs)).rejects.toBe(refused);
    expect(completions).toEqual([false]);
  });
});

describe('streamRun', () => {
  it('writes the opening events and every batch in order, ends the body, then reports the run once', async () => {
    const { run, completions } = scriptedRun({
      async *events() {
        yield [event('response.output_item.added', 2)];
        yield [event('response.completed', 3, 'completed')];
      },
    });
    const answer = await fetch(await serveOnce((res) => void streamRun(run, { ...options, outgoing: res })));
    expect(answer.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(answer.headers.get('x-request-id')).toBe('req_1');
    const text = await answer.text();
    const types = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.completed',
    ]);
    await vi.waitFor(() => expect(completions).toEqual([false]));
  });
});

describe('streamRun on the socket', () => {
  // Node's HTTP response corks its socket until the next tick after a write: the end of the body, written in the
  // same tick as the terminal event (no await in between), goes out with it. This keeps it that way.
  it('sends the terminal event and the end of the body in one socket write, before the bookkeeping', async () => {
    const { run, completions } = scriptedRun({
      async *events() {
        // Each batch from a socket read of its own, as from the upstream.
        await new Promise((resolve) => setImmediate(resolve));
        yield [event('response.output_text.delta', 2)];
        await new Promise((resolve) => setImmediate(resolve));
        yield [event('response.output_text.done', 3), event('response.completed', 4, 'completed')];
      },
    });
    let writes: string[] = [];
    const writesAtCompletion: number[] = [];
    const complete = run.complete.bind(run);
    run.complete = (disconnected) => {
      writesAtCompletion.push(writes.length);
      complete(disconnected);
    };
    const response = await fetch(
      await serveOnce((res) => {
        writes = recordSocketWrites(res);
        void streamRun(run, { ...options, outgoing: res });
      }),
    );
    const body = await response.text();

    expect(body.match(/^event: .*/gm)).toEqual([
      'event: response.created',
      'event: response.in_progress',
      'event: response.output_text.delta',
      'event: response.output_text.done',
      'event: response.completed',
    ]);
    const last = writes.at(-1) ?? '';
    expect(last).toContain('event: response.completed');
    expect(last.endsWith('0\r\n\r\n')).toBe(true);
    // The bookkeeping runs once, after the end has been written (once this turn of the event loop is done).
    await vi.waitFor(() => expect(completions).toEqual([false]));
    expect(writesAtCompletion).toEqual([writes.length]);
  });
});
