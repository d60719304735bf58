import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postToUpstream, sseMessageBatches } from './http.ts';

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/**
 * An upstream that sends `[DONE]` after `answerBytes` of answer and ends its body `endAfterMs` later; it counts its
 * connections.
 */
async function lateEndingUpstream(endAfterMs: number, answerBytes = 0) {
  let connections = 0;
  const answer = `data: {"n":1,"text":"${'x'.repeat(answerBytes)}"}\n\n`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`${answer}data: [DONE]\n\n`);
    setTimeout(() => res.end(), endAfterMs);
  });
  server.on('connection', () => {
    connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { baseUrl, connections: () => connections };
}

/** One call read up to `[DONE]` and stopped there, as the translators stop. */
async function callUntilDone(baseUrl: string): Promise<void> {
  const signal = new AbortController().signal;
  const body = await postToUpstream({
    url: `${baseUrl}/chat`,
    baseUrl,
    headers: {},
    body: {},
    signal,
    model: 'm',
  });
  let done = false;
  for await (const batch of sseMessageBatches(body, signal, () => done)) {
    if (batch.some((message) => message.data === '[DONE]')) {
      done = true;
      break;
    }
  }
}

describe('release() after [DONE]', () => {
  it('reads the rest of the body under a timer that keeps nothing alive and is cleared when the body ends', async () => {
    const upstream = await lateEndingUpstream(50);
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const clearTimer = vi.spyOn(globalThis, 'clearTimeout');
    await callUntilDone(upstream.baseUrl);

    const cut = setTimer.mock.calls.findIndex(([, ms]) => ms === 1000);
    expect(cut).toBeGreaterThanOrEqual(0);
    const timer = setTimer.mock.results[cut]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    await vi.waitFor(() => expect(clearTimer).toHaveBeenCalledWith(timer), { timeout: 5000, interval: 20 });

    // The body ended on its own, so the connection was kept for the next call.
    await callUntilDone(upstream.baseUrl);
    expect(upstream.connections()).toBe(1);
  });

  it('keeps the connection after a long answer too (the drain limit counts from where the reader stopped)', async () => {
    const upstream = await lateEndingUpstream(50, 300 * 1024);
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const clearTimer = vi.spyOn(globalThis, 'clearTimeout');
    await callUntilDone(upstream.baseUrl);
    // The rest was drained (not cut) once the drain's timer is cleared; then the next call reuses the connection.
    const cut = setTimer.mock.results[setTimer.mock.calls.findIndex(([, ms]) => ms === 1000)]?.value;
    await vi.waitFor(() => expect(clearTimer).toHaveBeenCalledWith(cut), { timeout: 5000, interval: 20 });
    await callUntilDone(upstream.baseUrl);
    expect(upstream.connections()).toBe(1);
  });
});
