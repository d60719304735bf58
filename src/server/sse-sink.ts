/**
 * Where SSE text goes: straight to Node's ServerResponse when the bridge runs on Node (strings written as they
 * are, backpressure from `write()`'s return value and 'drain'), or into a web ReadableStream for other hosts (and
 * Hono's `app.request` in tests). The pump in respond.ts only sees this interface.
 */
import type { ServerResponse } from 'node:http';

export interface SseSink {
  /** Queues text for the client; false when the client is behind and the writer should wait for `drained()`. */
  write(text: string): boolean;
  drained(): Promise<void>;
  end(): void;
  /** Called once if the client goes away before `end()`. */
  onClientGone(listener: () => void): void;
  /**
   * Runs what follows a body's end (the run's bookkeeping). On a socket it waits for the rest of this turn of the
   * event loop: streams that end together (a burst of short answers) then all send their bytes before any does its
   * bookkeeping, and requests that arrived with them are read first too. A web body (Hono's `app.request()`, as
   * tests call the app without a socket) is read by code in this process, which may look at the results as soon as
   * it has read the end: there it runs at once.
   */
  afterEnd(work: () => void): void;
}

export function nodeSink(res: ServerResponse, headers: Record<string, string>): SseSink {
  // Not flushed on their own: the pump writes the opening events at once, and the headers go out with them in one
  // socket write instead of two.
  res.writeHead(200, headers);
  return {
    write: (text) => !res.destroyed && res.write(text),
    drained: () =>
      new Promise<void>((resolve) => {
        if (res.destroyed || !res.writableNeedDrain) return resolve();
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      }),
    end: () => {
      if (!res.destroyed && !res.writableEnded) res.end();
    },
    onClientGone: (listener) => {
      res.once('close', () => {
        if (!res.writableFinished) listener();
      });
    },
    afterEnd: (work) => {
      setImmediate(work);
    },
  };
}

/** A sink backed by a web ReadableStream (returned as the Response body). */
export function webSink(): { sink: SseSink; body: ReadableStream<Uint8Array> } {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let resume: (() => void) | undefined;
  let gone: (() => void) | undefined;
  const wake = () => {
    resume?.();
    resume = undefined;
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
      },
      pull: wake,
      cancel() {
        closed = true;
        wake();
        gone?.();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 64 }),
  );
  const sink: SseSink = {
    write(text) {
      if (closed) return false;
      controller.enqueue(encoder.encode(text));
      return (controller.desiredSize ?? 1) > 0;
    },
    drained: () =>
      closed || (controller.desiredSize ?? 1) > 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            resume = resolve;
          }),
    end() {
      if (closed) return;
      closed = true;
      controller.close();
      wake(); // a writer waiting in drained() must not wait forever
    },
    onClientGone(listener) {
      gone = listener;
    },
    afterEnd: (work) => work(),
  };
  return { sink, body };
}
