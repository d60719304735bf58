import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cutAfter,
  garbageAfter,
  hangBeforeHeaders,
  rateLimited,
  stallAfter,
  textReply,
  toolCallReply,
} from './replies.ts';
import { type MockUpstream, startMockUpstream } from './server.ts';
import { chatBody, jsonChunks, jsonOf, postChat, readSse, streamingBody } from './test-helpers.ts';

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream();
});

afterAll(async () => {
  await mock.close();
});

const FIVE_PIECES = textReply('abcde', { chunkSize: 1 });

describe('cut fault', () => {
  it('destroys the socket after the given number of data lines', async () => {
    mock.enqueue(cutAfter(3, FIVE_PIECES));
    const response = await postChat(mock, streamingBody());
    const read = await readSse(response);

    expect(response.status).toBe(200);
    expect(read.events).toHaveLength(3);
    expect(read.error).not.toBeNull();
    expect(jsonChunks(read).map((chunk) => chunk.choices[0].delta.content)).toEqual(['', 'a', 'b']);
  });

  it('can cut before the first chunk, after the headers', async () => {
    mock.enqueue(cutAfter(0));
    const read = await readSse(await postChat(mock, streamingBody()));

    expect(read.events).toEqual([]);
    expect(read.error).not.toBeNull();
  });

  it('can cut in the middle of a tool call', async () => {
    mock.enqueue(
      cutAfter(
        3,
        toolCallReply([{ id: 'call_c', name: 'shell', arguments: '{"cmd":"ls -la"}' }], { chunkSize: 4 }),
      ),
    );
    const read = await readSse(await postChat(mock, streamingBody()));
    const fragments = jsonChunks(read).flatMap((chunk) => chunk.choices[0].delta.tool_calls ?? []);

    expect(fragments).toEqual([
      { index: 0, id: 'call_c', type: 'function', function: { name: 'shell', arguments: '' } },
      { index: 0, function: { arguments: '{"cm' } },
    ]);
    expect(read.error).not.toBeNull();
  });

  it('drops the connection without any response to a non-streaming request', async () => {
    mock.enqueue(cutAfter(2));

    await expect(postChat(mock, chatBody())).rejects.toThrow();
  });
});

describe('stall fault', () => {
  it('goes silent for the given time after the given chunks, then carries on', async () => {
    mock.enqueue(stallAfter(2, 1_000, FIVE_PIECES));
    const askedAt = performance.now();
    const read = await readSse(await postChat(mock, streamingBody()));
    const gaps = read.events
      .slice(1)
      .map((event, index) => event.receivedAt - (read.events[index]?.receivedAt ?? 0));

    expect(read.error).toBeNull();
    expect(read.events.at(-1)?.data).toBe('[DONE]');
    // Measured from the request, not between two arrivals: a late arrival of the second chunk (a loaded machine)
    // shortens the gap the client sees, never the time the whole stream takes (less a millisecond: Node's timers
    // count whole milliseconds).
    expect((read.events.at(-1)?.receivedAt ?? 0) - askedAt).toBeGreaterThanOrEqual(995);
    // The silence is where it was asked for: the longest gap, by far, is the one after the second chunk.
    expect(gaps.indexOf(Math.max(...gaps))).toBe(1);
  });

  it('lets a client idle timeout fire mid-stream', async () => {
    // Silent for ten minutes after the first chunk: the stream stays open until the client gives up on it.
    mock.enqueue(stallAfter(1, 600_000));
    const idleTimeout = new AbortController();
    const response = await postChat(mock, streamingBody(), undefined, idleTimeout.signal);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = '';
    while (!received.includes('\n\n')) received += new TextDecoder().decode((await reader.read()).value);
    idleTimeout.abort();

    expect(received.match(/^data: /gm)).toHaveLength(1);
    await expect(reader.read()).rejects.toThrow();
  });

  it('delays the whole answer to a non-streaming request', async () => {
    mock.enqueue(stallAfter(0, 200, textReply('late')));
    const started = performance.now();
    const body = await jsonOf(await postChat(mock, chatBody()));

    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(body.choices[0].message.content).toBe('late');
  });
});

describe('garbage fault', () => {
  it('writes a data line that is not JSON after the given chunks, then carries on', async () => {
    mock.enqueue(garbageAfter(2, '{"choices":[{"delta":', FIVE_PIECES));
    const read = await readSse(await postChat(mock, streamingBody()));
    const lines = read.events.map((event) => event.data);

    expect(lines[2]).toBe('{"choices":[{"delta":');
    expect(() => JSON.parse(lines[2] ?? '')).toThrow();
    expect(lines.at(-1)).toBe('[DONE]');
  });

  it('answers a non-streaming request with the garbage as its body', async () => {
    mock.enqueue(garbageAfter(0, '<html>upstream error</html>'));
    const response = await postChat(mock, chatBody());

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<html>upstream error</html>');
  });
});

describe('composed faults', () => {
  it('nest: garbage inside a stream that is then cut', async () => {
    mock.enqueue(cutAfter(4, garbageAfter(1, 'oops', FIVE_PIECES)));
    const read = await readSse(await postChat(mock, streamingBody()));
    const lines = read.events.map((event) => event.data);

    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('oops');
    expect(read.error).not.toBeNull();
  });
});

describe('hang before headers', () => {
  it('sends nothing at all until the client gives up', async () => {
    // A ten-minute hang: only the client's own timeout ends the wait within the test.
    mock.enqueue(hangBeforeHeaders(600_000));

    await expect(postChat(mock, streamingBody(), undefined, AbortSignal.timeout(150))).rejects.toThrow();
  });

  it('drops the connection when the hang ends and no reply follows', async () => {
    mock.enqueue(hangBeforeHeaders(50));

    await expect(postChat(mock, streamingBody())).rejects.toThrow();
  });

  it('sends the wrapped reply once the hang is over', async () => {
    mock.enqueue(hangBeforeHeaders(200, rateLimited()));
    const started = performance.now();
    const response = await postChat(mock, streamingBody());

    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(response.status).toBe(429);
  });
});
