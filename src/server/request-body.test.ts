import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBodyWithin } from './request-body.ts';

/** A request body as Node hands it over: a stream of parts, then its end, or a failure. */
function bodyOf(parts: Array<number | string | Buffer>, fail?: Error): Readable {
  let index = 0;
  return new Readable({
    read() {
      const part = parts[index++];
      if (part === undefined) {
        if (fail) this.destroy(fail);
        else this.push(null);
      } else this.push(typeof part === 'number' ? Buffer.alloc(part, 0x61) : part);
    },
  });
}

describe('readBodyWithin', () => {
  it('reads the body as text', async () => {
    expect(await readBodyWithin(bodyOf(['hel', 'lo']), 5, 100)).toEqual({ kind: 'text', text: 'hello' });
  });

  it('decodes UTF-8 split across parts and drops a byte order mark, as a web Request does', async () => {
    const bytes = Buffer.from('\uFEFF{"a":"é"}');
    const parts = [bytes.subarray(0, 9), bytes.subarray(9)]; // "é" is split between the two
    expect(await readBodyWithin(bodyOf(parts), undefined, 100)).toEqual({ kind: 'text', text: '{"a":"é"}' });
  });

  it('reads an empty body as empty text', async () => {
    expect(await readBodyWithin(bodyOf([]), 0, 100)).toEqual({ kind: 'text', text: '' });
  });

  it('reads a body over the limit to its end, so the connection can carry on', async () => {
    expect(await readBodyWithin(bodyOf([60, 60, 60]), 180, 100)).toEqual({
      kind: 'too_large',
      drained: true,
    });
    expect(await readBodyWithin(bodyOf([60, 60, 60]), undefined, 100)).toEqual({
      kind: 'too_large',
      drained: true,
    });
  });

  it('does not read a body declared longer than it will wait for', async () => {
    const body = bodyOf([10]);
    expect(await readBodyWithin(body, 201, 100)).toEqual({ kind: 'too_large', drained: false });
    expect(body.readableFlowing).toBeNull();
  });

  it('stops once more than the bound has arrived (a body without a declared length)', async () => {
    const body = bodyOf([90, 90, 90, 90]);
    expect(await readBodyWithin(body, undefined, 100)).toEqual({ kind: 'too_large', drained: false });
    expect(body.readableEnded).toBe(false);
  });

  it('turns a client that left mid-upload into a 499 client_disconnected', async () => {
    const left = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    await expect(readBodyWithin(bodyOf([5], left), 100, 100)).rejects.toMatchObject({
      status: 499,
      code: 'client_disconnected',
    });
  });

  it('passes any other failure on unchanged', async () => {
    const broken = new Error('decoder exploded');
    await expect(readBodyWithin(bodyOf([5], broken), 100, 100)).rejects.toBe(broken);
  });
});
