/**
 * Turns an OssRun into an HTTP response. Errors that happen before the stream is committed are HTTP errors with
 * the right status (a 429 carries Retry-After, so Codex retries). The stream is committed as soon as the upstream
 * accepts the request, or after one heartbeat interval if it is slow to; from then on every failure is a
 * `response.failed` event and heartbeats (repeated `response.in_progress` data events, which reset Codex's idle
 * timer where SSE comments do not) keep the client alive through long silences.
 */

import type { OssRun } from '../bridge/oss-run.ts';
import { asBridgeError } from '../errors.ts';
import type { ResponseEvent } from '../responses/output.ts';
import { formatSseEvents, SSE_HEADERS } from './sse.ts';

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

export interface RespondOptions {
  heartbeatMs: number;
  requestId: string;
}

export async function respondWithRun(
  run: OssRun,
  stream: boolean,
  options: RespondOptions,
): Promise<Response> {
  const opening = settle(run.open());
  const early = await settleWithin(opening, options.heartbeatMs);
  if (early && !early.ok) {
    run.complete(false);
    throw asBridgeError(early.error);
  }
  if (!stream) return respondJson(run, opening);
  return new Response(sseBody(run, opening, options.heartbeatMs), {
    status: 200,
    headers: { ...SSE_HEADERS, 'x-request-id': options.requestId },
  });
}

async function respondJson(run: OssRun, opening: Promise<Settled>): Promise<Response> {
  const opened = await opening;
  if (!opened.ok) {
    run.complete(false);
    throw asBridgeError(opened.error);
  }
  for await (const _batch of run.events()) {
    // The translator accumulates the final Response object.
  }
  run.complete(false);
  const response = run.translator.response;
  // Nothing has been sent yet, so a failure is still an HTTP error; a client that left gets nothing.
  if (!response) return new Response(null, { status: 499 });
  if (response.status === 'failed' && run.error) throw run.error;
  return Response.json(response);
}

function sseBody(run: OssRun, opening: Promise<Settled>, heartbeatMs: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let closed = false;
  let lastWrite = 0;
  let heartbeat: NodeJS.Timeout | undefined;
  let finished = false;
  let resumePump: (() => void) | undefined;
  const resume = () => {
    resumePump?.();
    resumePump = undefined;
  };

  const stop = (controller: ReadableStreamDefaultController<Uint8Array> | undefined) => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    try {
      controller?.close();
    } catch {
      // already closed by a cancel
    }
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        run.metrics.activeStreams.inc();
        const write = (events: readonly ResponseEvent[]) => {
          if (closed || events.length === 0) return;
          lastWrite = Date.now();
          controller.enqueue(encoder.encode(formatSseEvents(events)));
        };
        write(run.translator.start());
        heartbeat = setInterval(
          () => {
            if (!closed && !run.translator.finished && Date.now() - lastWrite >= heartbeatMs) {
              write([run.translator.heartbeat()]);
            }
          },
          Math.max(10, Math.floor(heartbeatMs / 2)),
        );
        heartbeat.unref();

        void (async () => {
          try {
            const opened = await opening;
            if (!opened.ok) {
              write(run.failWith(opened.error));
            } else {
              for await (const batch of run.events()) {
                write(batch);
                // Backpressure: a slow client slows the reading of the upstream instead of filling memory.
                if (!closed && (controller.desiredSize ?? 1) <= 0) {
                  await new Promise<void>((resolve) => {
                    resumePump = resolve;
                  });
                }
              }
            }
          } catch (error) {
            if (!run.translator.finished) write(run.failWith(error));
          } finally {
            run.metrics.activeStreams.dec();
            finished = true;
            run.complete(closed && !run.translator.finished);
            stop(controller);
          }
        })();
      },
      pull() {
        resume();
      },
      cancel() {
        // The client disconnected: stop the upstream at once; the pump's finally block logs and cleans up.
        closed = true;
        clearInterval(heartbeat);
        if (!finished) run.abort();
        resume();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 64 }),
  );
}
