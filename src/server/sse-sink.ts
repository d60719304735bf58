/**
 * Where SSE text goes: straight to Node's ServerResponse, strings written as they are, backpressure from
 * `write()`'s return value and 'drain'. The pump in respond.ts only sees this interface.
 */
import type { ServerResponse } from 'node:http';
import { drained, onClientGone } from './client-socket.ts';

export interface SseSink {
  /** Queues text for the client; false when the client is behind and the writer should wait for `drained()`. */
  write(text: string): boolean;
  drained(): Promise<void>;
  end(): void;
  /** Called once if the client goes away before `end()`. */
  onClientGone(listener: () => void): void;
  /**
   * Runs what follows a body's end (the run's bookkeeping) once the rest of this turn of the event loop is done:
   * streams that end together (a burst of short answers) then all send their bytes before any does its
   * bookkeeping, and requests that arrived with them are read first too.
   */
  afterEnd(work: () => void): void;
}

export function nodeSink(res: ServerResponse, headers: Record<string, string>): SseSink {
  // Not flushed on their own: the pump writes the opening events at once, and the headers go out with them in one
  // socket write instead of two.
  res.writeHead(200, headers);
  return {
    write: (text) => !res.destroyed && res.write(text),
    drained: () => drained(res),
    end: () => {
      if (!res.destroyed && !res.writableEnded) res.end();
    },
    onClientGone: (listener) => {
      onClientGone(res, listener);
    },
    afterEnd: (work) => {
      setImmediate(work);
    },
  };
}
