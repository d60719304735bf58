import { describe, expect, it } from 'vitest';
import { endOfStream, PassThroughScan } from './passthrough-watch.ts';

const encoder = new TextEncoder();
const sse = (event: string | undefined, data: unknown) =>
  `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;

function scanOf(...parts: string[]): PassThroughScan {
  const scan = new PassThroughScan();
  for (const part of parts) scan.push(encoder.encode(part));
  scan.end();
  return scan;
}

const usage = { input_tokens: 10, output_tokens: 2, input_tokens_details: { cached_tokens: 0 } };
const failed = {
  type: 'response.failed',
  response: {
    status: 'failed',
    model: 'gpt-5.5',
    output: [],
    usage,
    error: { code: 'server_error', message: 'x' },
  },
};

describe('PassThroughScan', () => {
  it('finds the terminal event by its name, and reads its Response', () => {
    const scan = scanOf(
      sse('response.created', { type: 'response.created' }),
      sse('response.failed', failed),
    );
    expect(scan.terminal).toBe('failed');
    expect(scan.usage).toEqual(usage);
  });

  it('finds it by the type its data opens with when the event has no name', () => {
    expect(scanOf(sse(undefined, failed)).terminal).toBe('failed');
  });

  it('is not fooled by a terminal type inside another event (metadata the response echoes)', () => {
    const created = {
      type: 'response.created',
      response: { status: 'in_progress', metadata: { type: 'response.completed' }, output: [] },
    };
    for (const event of ['response.created', undefined]) {
      const scan = scanOf(sse(event, created), sse(event && 'response.failed', failed));
      expect(scan.terminal).toBe('failed');
      expect(scan.usage).toEqual(usage);
    }
  });

  it('counts every byte passed on', () => {
    const text = sse('response.failed', failed);
    expect(scanOf(text, ': comment\n\n').bytes).toBe(encoder.encode(`${text}: comment\n\n`).byteLength);
  });
});

describe('endOfStream', () => {
  it('ends a run whose terminal Response has the wrong shape, as failed with why', () => {
    const scan = scanOf(
      sse('response.completed', {
        type: 'response.completed',
        response: { status: 'completed', output: [null] },
      }),
    );
    expect(endOfStream(scan, 'ended', 'gpt-5.5', [])).toMatchObject({
      outcome: 'failed',
      reason: 'unreadable_response',
      servedModel: 'gpt-5.5',
    });
  });

  it('ends a stream without a terminal event as OpenAI closing it early', () => {
    const scan = scanOf(sse('response.created', { type: 'response.created' }));
    expect(endOfStream(scan, 'ended', 'gpt-5.5', [])).toMatchObject({
      outcome: 'failed',
      reason: 'upstream_disconnected',
      message: 'OpenAI closed the stream early',
    });
  });
});
