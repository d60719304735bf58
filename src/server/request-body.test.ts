import { describe, expect, it } from 'vitest';
import { discardBody, readRequestBody } from './request-body.ts';

function streamOf(chunks: number[], fail?: Error): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      const size = chunks[index++];
      if (size !== undefined) controller.enqueue(new Uint8Array(size));
      else if (fail) controller.error(fail);
      else controller.close();
    },
  });
}

describe('discardBody', () => {
  it('reads a body to its end', async () => {
    expect(await discardBody(streamOf([10, 20, 30]), 60, 100)).toBe(true);
  });

  it('does not read a body declared longer than it will wait for', async () => {
    const body = streamOf([10]);
    expect(await discardBody(body, 101, 100)).toBe(false);
    expect(body.locked).toBe(false);
  });

  it('stops once more than the bound has arrived (a body without a declared length)', async () => {
    expect(await discardBody(streamOf([60, 60, 60]), undefined, 100)).toBe(false);
  });

  it('gives up on a body someone else is reading', async () => {
    const body = streamOf([10]);
    body.getReader();
    expect(await discardBody(body, 10, 100)).toBe(false);
  });

  it('gives up when the client leaves half-way', async () => {
    expect(await discardBody(streamOf([10], new Error('aborted')), 100, 100)).toBe(false);
  });

  it('has nothing to do without a body', async () => {
    expect(await discardBody(null, undefined, 100)).toBe(true);
  });
});

describe('readRequestBody', () => {
  it('reads the body as text', async () => {
    expect(await readRequestBody(new Request('http://x/', { method: 'POST', body: 'hello' }))).toBe('hello');
  });

  it('turns a client that left mid-upload into a 499 client_disconnected', async () => {
    const left = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const request = new Request('http://x/', { method: 'POST', body: streamOf([5], left), duplex: 'half' });
    await expect(readRequestBody(request)).rejects.toMatchObject({
      status: 499,
      code: 'client_disconnected',
    });
  });

  it('passes any other failure on unchanged (the body limit has its own)', async () => {
    const limit = new Error('Payload Too Large');
    const request = new Request('http://x/', { method: 'POST', body: streamOf([5], limit), duplex: 'half' });
    await expect(readRequestBody(request)).rejects.toBe(limit);
  });
});
