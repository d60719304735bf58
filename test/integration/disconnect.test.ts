/**
 * A client that goes away mid-stream: the upstream request is aborted at once and the bridge logs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stream } from '../mock-upstream/index.ts';
import { BRIDGE_KEY, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { waitFor } from '../support/wait.ts';

let t: TestBridge;

function postStream(input: string, signal: AbortSignal): Promise<Response> {
  return fetch(`${t.baseUrl}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
    body: JSON.stringify({ model: 'ocg-deepseek-v4-flash', input, stream: true }),
    signal,
  });
}

/** Polls a growing number until it has not changed for two seconds, and returns it. */
async function settledValue(read: () => number): Promise<number> {
  let value = read();
  let unchangedSince = Date.now();
  await waitFor(
    () => {
      const now = read();
      if (now !== value) [value, unchangedSince] = [now, Date.now()];
      return Date.now() - unchangedSince >= 2_000;
    },
    120_000,
    'the upstream to stop sending',
  );
  return value;
}
beforeAll(async () => {
  t = await startTestBridge();
});
afterAll(() => t.close());

describe('client disconnect', () => {
  it('aborts the upstream request as soon as the client disconnects mid-stream', async () => {
    t.upstream.enqueue(stream({ text: 'x'.repeat(20_000), chunkSize: 5, delayMs: 20 }));
    const controller = new AbortController();
    const response = await postStream('long answer please', controller.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    while (!received.includes('response.output_text.delta'))
      received += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    // The reply would take 80 s more: the upstream sees the abort long before it could finish on its own.
    await waitFor(
      () => t.upstream.requests.at(-1)?.clientAborted === true,
      30_000,
      'the upstream request to abort',
    );
    await waitFor(() => t.logs().some((line) => line.status === 'client_disconnected'));
  });

  it('applies backpressure: a client that stops reading stops the bridge reading the upstream', async () => {
    const total = 48 * 1024 * 1024;
    t.upstream.enqueue(stream({ text: 'y'.repeat(total), chunkSize: 64 * 1024 }));
    const controller = new AbortController();
    const earlierRequests = t.upstream.requests.length;
    const response = await postStream('huge answer', controller.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const upstreamRequest = () => t.upstream.requests[earlierRequests];
    await waitFor(
      () => (upstreamRequest()?.bytesFlushed ?? 0) > 0,
      undefined,
      'the upstream to start sending',
    );

    // The client reads nothing more. Once every buffer on the way is full the upstream's writes stop completing;
    // a bridge that buffered whatever came would instead keep reading until the whole answer had been sent.
    const stalledAt = await settledValue(() => upstreamRequest()?.bytesFlushed ?? 0);
    expect(stalledAt).toBeLessThan(total / 2);
    expect(t.upstream.stats().inFlight).toBe(1);

    // Reading again lets the upstream go on: the stall was flow control, not a stuck stream.
    for (let read = 0; read < 8 * 1024 * 1024; ) read += (await reader.read()).value?.byteLength ?? 0;
    await waitFor(
      () => (upstreamRequest()?.bytesFlushed ?? 0) > stalledAt,
      undefined,
      'the upstream to send more',
    );

    controller.abort();
    await waitFor(() => t.upstream.stats().inFlight === 0, undefined, 'the upstream request to end');
  });

  it('keeps serving new requests after a disconnect', async () => {
    const final = await t.client.responses.create({ model: 'ocg-deepseek-v4-flash', input: 'hi' });
    expect(final.status).toBe('completed');
  });
});
