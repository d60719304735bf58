/**
 * The bridge runs all day: a finished request must leave nothing behind. Each OssRun is watched through a WeakRef;
 * after the requests end and a full GC, none may still be alive. (The figure over 10,000 requests is in the bench
 * soak: `npm run bench -- --only=soak`.)
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OssRun } from '../../src/pipeline/oss-run.ts';
import { errorReply, stream } from '../mock-upstream/index.ts';
import { BRIDGE_KEY, postResponses, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { waitFor } from '../support/wait.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let t: TestBridge;
const complete = OssRun.prototype.complete;
const runs: Array<WeakRef<OssRun>> = [];

beforeAll(async () => {
  t = await startTestBridge();
  // Patched by hand: a vitest spy would itself keep every `this` it saw (mock.contexts).
  OssRun.prototype.complete = function (this: OssRun, disconnected: boolean) {
    runs.push(new WeakRef(this));
    return complete.call(this, disconnected);
  };
});
afterAll(async () => {
  OssRun.prototype.complete = complete;
  await t.close();
});

/** Runs still reachable after full collections (a few, with turns between, so finalizers and timers settle). */
async function aliveAfterGc(): Promise<number> {
  let alive = runs.length;
  for (let round = 0; round < 10 && alive > 0; round += 1) {
    await nextTurn();
    gc();
    alive = runs.filter((ref) => ref.deref() !== undefined).length;
  }
  return alive;
}

/** A streaming request whose client goes away after the first text delta. */
async function disconnectMidStream(body: object): Promise<void> {
  t.upstream.enqueue(stream({ text: 'x'.repeat(2000), chunkSize: 5, delayMs: 20 }));
  const controller = new AbortController();
  const response = await fetch(`${t.baseUrl}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BRIDGE_KEY}` },
    body: JSON.stringify({ ...body, stream: true }),
    signal: controller.signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let received = '';
  while (!received.includes('response.output_text.delta'))
    received += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  await waitFor(() => t.logs().some((line) => line.status === 'client_disconnected'), 10_000);
}

describe('memory across requests', () => {
  it('lets every finished run be collected: streamed, JSON and failed requests alike', async () => {
    const body = { model: 'ocg-deepseek-v4-flash', input: 'hello' };
    for (let index = 0; index < 3; index += 1) {
      t.upstream.enqueue(stream({ reasoning: 'thinking', text: `answer ${index}` }));
      const streamed = await postResponses(t.baseUrl, { ...body, stream: true });
      expect(streamed.events.at(-1)?.type).toBe('response.completed');
    }
    t.upstream.enqueue(stream({ text: 'as JSON' }));
    expect((await postResponses(t.baseUrl, body)).json.status).toBe('completed');
    t.upstream.enqueue(errorReply(400, { error: { message: 'bad request' } }));
    expect((await postResponses(t.baseUrl, { ...body, stream: true })).status).toBe(400);
    await disconnectMidStream(body);
    expect(runs.length).toBe(6);
    expect(await aliveAfterGc()).toBe(0);
  });
});
