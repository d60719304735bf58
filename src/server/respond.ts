/**
 * Turns a run (a model's, or a turn the bridge answers itself) into an HTTP response: an SSE stream written to
 * Node's response, or one JSON body. Errors that happen before the stream is committed are HTTP errors with the
 * right status (a 429 carries Retry-After, so Codex retries). The stream is committed as soon as the upstream
 * accepts the request, or after one heartbeat interval if it is slow to; from then on every failure is a
 * `response.failed` event and heartbeats (repeated `response.in_progress` data events, which reset Codex's idle
 * timer where SSE comments do not) keep the client alive through long silences.
 */

import type { ServerResponse } from 'node:http';
import { asBridgeError, BridgeError } from '../errors.ts';
import type { ResponseRun } from '../pipeline/response-run.ts';
import type { ResponseEvent, ResponseObject } from '../responses/output.ts';
import { formatSseEvents, SSE_HEADERS } from '../responses/sse.ts';
import { nodeSink, type SseSink } from './sse-sink.ts';

type Settled = { ok: true } | { ok: false; error: unknown };

async function settleWithin(promise: Promise<Settled>, ms: number): Promise<Settled | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function settle(promise: Promise<void>): Promise<Settled> {
  return promise.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

export interface StreamOptions {
  heartbeatMs: number;
  requestId: string;
  /** Node's response: the SSE stream is written to it. */
  outgoing: ServerResponse;
}

/**
 * Opens the run and waits for the upstream to accept it, for at most one heartbeat interval. A run that fails
 * within it throws its HTTP error (after reporting the run); else the opening, settled or still under way.
 */
async function openWithin(run: ResponseRun, heartbeatMs: number): Promise<{ opening: Promise<Settled> }> {
  const opening = settle(run.open());
  const early = await settleWithin(opening, heartbeatMs);
  if (early && !early.ok) {
    run.complete(false);
    throw asBridgeError(early.error);
  }
  return { opening };
}

/**
 * Commits the run's SSE stream to `outgoing` once the upstream has accepted it (or one heartbeat interval has
 * passed); the pump writes it from then on. Throws the HTTP error when the run fails before that.
 */
export async function streamRun(run: ResponseRun, options: StreamOptions): Promise<void> {
  const { opening } = await openWithin(run, options.heartbeatMs);
  const headers = { ...SSE_HEADERS, 'x-request-id': options.requestId };
  void pumpSse(run, opening, options.heartbeatMs, nodeSink(options.outgoing, headers));
}

/**
 * A non-streamed answer: the run's events collected into its final Response object, or undefined when the client
 * left before it was done (nothing is sent then). Throws the HTTP error of a run that failed.
 */
export async function collectRun(run: ResponseRun, heartbeatMs: number): Promise<ResponseObject | undefined> {
  const { opening } = await openWithin(run, heartbeatMs);
  return collected(run, opening);
}

async function collected(run: ResponseRun, opening: Promise<Settled>): Promise<ResponseObject | undefined> {
  // However the answer ends (a failure to open, an error while collecting), the run is reported once.
  try {
    const opened = await opening;
    if (!opened.ok) throw asBridgeError(opened.error);
    for await (const _batch of run.events()) {
      // The run accumulates the final Response object.
    }
  } finally {
    run.complete(false);
  }
  const { response } = run;
  // Nothing has been sent yet, so a failure is still an HTTP error; a client that left gets nothing.
  if (response?.status === 'failed' && run.error) throw run.error;
  return response;
}

const SHUTTING_DOWN = new BridgeError({
  status: 503,
  code: 'bridge_shutting_down',
  message: 'opencode-bridge is shutting down; the request was cut off. Retry once the bridge is back.',
});

/**
 * Streams a run to a sink: lifecycle events at once, heartbeats while the upstream is silent, every batch of
 * events as one write, waiting while the client is behind; exactly one terminal event; the end of the body right
 * after it. A client that goes away aborts the run (and with it the upstream call).
 */
async function pumpSse(
  run: ResponseRun,
  opening: Promise<Settled>,
  heartbeatMs: number,
  sink: SseSink,
): Promise<void> {
  let clientGone = false;
  let lastWrite = Date.now();
  const write = (events: readonly ResponseEvent[]): boolean => {
    if (clientGone || events.length === 0) return true;
    lastWrite = Date.now();
    return sink.write(formatSseEvents(events));
  };
  sink.onClientGone(() => {
    clientGone = true;
    run.abort();
  });
  // The bridge is stopping and this stream outlived the drain: end it with a terminal event Codex retries on.
  // The pump then ends as after a disconnect, closing the body and saving state before the connection goes.
  const onShutdown = () => {
    if (!run.finished) write(run.failWith(SHUTTING_DOWN));
    run.abort();
  };
  run.shutdown?.addEventListener('abort', onShutdown, { once: true });
  run.metrics.activeStreams.inc();
  const heartbeat = setInterval(
    () => {
      if (!clientGone && !run.finished && Date.now() - lastWrite >= heartbeatMs) {
        write([run.heartbeat()]);
      }
    },
    Math.max(10, Math.floor(heartbeatMs / 2)),
  );
  heartbeat.unref();
  try {
    write(run.start());
    if (run.shutdown?.aborted) onShutdown(); // the stop came while the first upstream answer was awaited
    const opened = await opening;
    if (!opened.ok) {
      if (!run.finished) write(run.failWith(opened.error));
    } else {
      for await (const batch of run.events()) {
        // Backpressure: a slow client slows the reading of the upstream instead of filling memory.
        if (!write(batch) && !clientGone) await sink.drained();
      }
    }
  } catch (error) {
    if (!run.finished && !clientGone) write(run.failWith(error));
  } finally {
    clearInterval(heartbeat);
    run.shutdown?.removeEventListener('abort', onShutdown);
    // The body ends right after the terminal event; bookkeeping (state, usage, the log line) comes after.
    sink.end();
    run.metrics.activeStreams.dec();
    const disconnected = clientGone && !run.finished;
    sink.afterEnd(() => run.complete(disconnected));
  }
}
