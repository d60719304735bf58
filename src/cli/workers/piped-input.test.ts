import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fenced, readPipedInput } from './piped-input.ts';

function pipe(): PassThrough {
  return new PassThrough();
}

describe('readPipedInput', () => {
  it('reads what is piped, to its end', async () => {
    const stream = pipe();
    stream.write('first part\n');
    setTimeout(() => stream.end('second part\n'), 20);
    expect(await readPipedInput({ stream, isTTY: false }, { explicit: false, graceMs: 5000 })).toEqual({
      kind: 'read',
      text: 'first part\nsecond part\n',
    });
  });

  it('leaves a pipe alone that stays silent and open through the grace period', async () => {
    const stream = pipe();
    expect(await readPipedInput({ stream, isTTY: false }, { explicit: false, graceMs: 30 })).toEqual({
      kind: 'silent',
      waitedMs: 30,
    });
  });

  it('waits beyond the grace period when asked to (--stdin)', async () => {
    const stream = pipe();
    const input = readPipedInput({ stream, isTTY: false }, { explicit: true, graceMs: 1 });
    setTimeout(() => stream.end('late\n'), 50);
    expect(await input).toEqual({ kind: 'read', text: 'late\n' });
  });

  it('treats an empty or blank input as none', async () => {
    const stream = pipe();
    stream.end('  \n');
    expect(await readPipedInput({ stream, isTTY: false }, { explicit: false })).toEqual({ kind: 'none' });
  });

  it('never reads a terminal, and has nothing without a stdin', async () => {
    const stream = pipe();
    stream.end('typed');
    expect(await readPipedInput({ stream, isTTY: true }, { explicit: false })).toEqual({ kind: 'none' });
    expect(await readPipedInput(undefined, { explicit: true })).toEqual({ kind: 'none' });
  });
});

describe('fenced', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(fenced('a\n')).toBe('```\na\n```');
    expect(fenced('```js\nx\n```')).toBe('````\n```js\nx\n```\n````');
  });
});
