/**
 * A client that goes away mid-stream: the upstream request is aborted at once and the bridge logs it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stream } from '../mock-upstream/index.ts';
import { BRIDGE_KEY, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { waitFor } from '../support/wait.ts';

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge();
});
afterAll(() => t.close());

describe('client disconnect', () => {
  it('aborts the upstream request as soon as the client disconnects mid-stream', async () => {
    t.upstream.enqueue(stream({ text: 'x'.repeat(2000), chunkSize: 5, delayMs: 20 }));
    const controller = new AbortController();
    const response = await fetch(`${t.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
      body: JSON.stringify({ model: 'ocg-deepseek-v4-flash', input: 'long answer please', stream: true }),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    while (!received.includes('response.output_text.delta'))
      received += new TextDecoder().decode((await reader.read()).value);
    const disconnectedAt = Date.now();
    controller.abort();
    await waitFor(() => t.upstream.requests.at(-1)?.clientAborted === true);
    expect(Date.now() - disconnectedAt).toBeLessThan(1000);
    await waitFor(() => t.logs().some((line) => line.status === 'client_disconnected'));
  });

  it('applies backpressure: a client that stops reading stops the bridge reading the upstream', async () => {
    t.upstream.enqueue(stream({ text: 'y'.repeat(48 * 1024 * 1024), chunkSize: 64 * 1024 }));
    const response = await fetch(`${t.baseUrl}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
      body: JSON.stringify({ model: 'ocg-deepseek-v4-flash', input: 'huge answer', stream: true }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Had the bridge buffered everything, the upstream would have finished sending long ago.
    expect(t.upstream.stats().inFlight).toBe(1);
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toContain('response.completed');
  });

  it('keeps serving new requests after a disconnect', async () => {
    const final = await t.client.responses.create({ model: 'ocg-deepseek-v4-flash', input: 'hi' });
    expect(final.status).toBe('completed');
  });
});
