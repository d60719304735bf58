/**
 * What the responder (src/server/respond.ts) writes to the client, whoever answers: a model's run (oss-run.ts) or a
 * turn the bridge answers itself (bridge-turn-run.ts). One responder means one way to stream — heartbeats,
 * backpressure, a disconnect, a shutdown, exactly one terminal event — and one way to answer without streaming.
 */
import type { BridgeError } from '../errors.ts';
import type { ResponseEvent, ResponseObject } from '../responses/output.ts';
import type { BridgeDeps } from './deps.ts';

export interface ResponseRun {
  /** Resolves once the answer can start (an upstream accepted the request); rejects with why it cannot. */
  open(): Promise<void>;
  /** The opening events (`response.created`, `response.in_progress`). */
  start(): ResponseEvent[];
  /** A data event that keeps the client's idle timer alive while nothing else is sent. */
  heartbeat(): ResponseEvent;
  /** The answer's events, batch by batch, after `open()`; the last batch holds the terminal event. */
  events(): AsyncGenerator<ResponseEvent[]>;
  /** Ends the response as failed (no event once it has ended). */
  failWith(error: unknown): ResponseEvent[];
  /** The client went away: stop any work for it at once. */
  abort(): void;
  /** Reports the run once it has ended (metrics, saved state, its log line, the watcher's end). */
  complete(clientDisconnected: boolean): void;
  /** True once the terminal event has been produced. */
  readonly finished: boolean;
  /** The final Response object, once the answer has ended. */
  readonly response: ResponseObject | undefined;
  /** Why the run failed, when it did. */
  readonly error: BridgeError | undefined;
  /** Aborted when the bridge stops for good (see BridgeDeps.shutdown). */
  readonly shutdown: AbortSignal | undefined;
  readonly metrics: BridgeDeps['metrics'];
}
