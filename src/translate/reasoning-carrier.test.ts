import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createReasoningCarrier,
  IVS_PER_FILL,
  ivSource,
  openedCache,
  REASONING_KEY_BYTES,
  type SealedReasoning,
} from './reasoning-carrier.ts';

const key = randomBytes(REASONING_KEY_BYTES);
const carrier = createReasoningCarrier(key);

const reasoning: SealedReasoning = {
  text: 'The user wants the tests run first, then a summary.',
  model: 'deepseek-v4-pro',
};

/** Seals any plaintext the way the carrier does, to build authentic blobs with unexpected contents. */
function sealPlaintext(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from('opencode-bridge/reasoning/v1'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `ocb1.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
}

/** Flips one character of the base64url payload, keeping it valid base64url. */
function flipCharacter(blob: string, position: number): string {
  const original = blob[position];
  return `${blob.slice(0, position)}${original === 'A' ? 'B' : 'A'}${blob.slice(position + 1)}`;
}

describe('reasoning carrier', () => {
  it('opens what it sealed', () => {
    expect(carrier.open(carrier.seal(reasoning))).toEqual({ ok: true, reasoning });
  });

  it('keeps a thinking signature through the round trip', () => {
    const signed = { ...reasoning, signature: 'EqQBCkYIBRgCKkD' };

    expect(carrier.open(carrier.seal(signed))).toEqual({ ok: true, reasoning: signed });
  });

  it('keeps unicode text exactly', () => {
    const unicode = { text: '先读文件 — then résumé 🧠\u0000\n\t"quoted"', model: 'kimi-k2.6' };

    expect(carrier.open(carrier.seal(unicode))).toEqual({ ok: true, reasoning: unicode });
  });

  it('keeps empty reasoning text', () => {
    const empty = { text: '', model: 'deepseek-v4-flash' };

    expect(carrier.open(carrier.seal(empty))).toEqual({ ok: true, reasoning: empty });
  });

  it('seals into an ocb1. blob that does not show the reasoning', () => {
    const blob = carrier.seal(reasoning);

    expect(blob.startsWith('ocb1.')).toBe(true);
    expect(blob).toMatch(/^ocb1\.[A-Za-z0-9_-]+$/);
    expect(blob).not.toContain('tests run first');
  });

  it('seals the same reasoning differently each time', () => {
    expect(carrier.seal(reasoning)).not.toBe(carrier.seal(reasoning));
  });

  it('gives every seal an IV of its own, over several fills of the IV pool', () => {
    const blobs = Array.from({ length: 2 * IVS_PER_FILL + 3 }, () => carrier.seal(reasoning));
    const ivs = blobs.map((blob) =>
      Buffer.from(blob.slice('ocb1.'.length), 'base64url').subarray(0, 12).toString('hex'),
    );
    expect(new Set(ivs).size).toBe(blobs.length);
    for (const blob of blobs) expect(carrier.open(blob)).toEqual({ ok: true, reasoning });
  });

  it('reports a blob sealed under another key as tampered', () => {
    const other = createReasoningCarrier(randomBytes(REASONING_KEY_BYTES));

    expect(carrier.open(other.seal(reasoning))).toEqual({ ok: false, why: 'tampered' });
  });

  it('reports a blob with one changed character as tampered', () => {
    const blob = carrier.seal(reasoning);

    expect(carrier.open(flipCharacter(blob, blob.length - 3))).toEqual({ ok: false, why: 'tampered' });
  });

  it("reports OpenAI's own encrypted content as foreign", () => {
    expect(carrier.open('gAAAAABoZ3x1c2VyX3RleHRfZW5jcnlwdGVkX2J5X29wZW5haQ==')).toEqual({
      ok: false,
      why: 'foreign',
    });
  });

  it('reports an empty blob as foreign', () => {
    expect(carrier.open('')).toEqual({ ok: false, why: 'foreign' });
  });

  it.each([
    ['nothing after the prefix', 'ocb1.'],
    ['a truncated blob', 'ocb1.AAAAAAAAAAAAAAAA'],
    ['characters outside base64', 'ocb1.!!!not*base64$$$'],
    ['garbage long enough to hold an iv and tag', `ocb1.${'A'.repeat(80)}`],
  ])('reports %s as tampered without throwing', (_label, blob) => {
    expect(carrier.open(blob)).toEqual({ ok: false, why: 'tampered' });
  });

  it('reports a sealed blob cut short as tampered', () => {
    const blob = carrier.seal(reasoning);

    expect(carrier.open(blob.slice(0, blob.length - 10))).toEqual({ ok: false, why: 'tampered' });
  });

  it('opens a blob sealed outside the carrier with the same key and format', () => {
    expect(carrier.open(sealPlaintext(JSON.stringify(reasoning)))).toEqual({ ok: true, reasoning });
  });

  it.each([
    ['JSON without text', '{"model":"kimi-k2.6"}'],
    ['a number as text', '{"text":5,"model":"kimi-k2.6"}'],
    ['JSON null', 'null'],
    ['text that is not JSON', 'plain reasoning'],
  ])('reports an authentic blob holding %s as tampered', (_label, plaintext) => {
    expect(carrier.open(sealPlaintext(plaintext))).toEqual({ ok: false, why: 'tampered' });
  });

  it('opens a blob it has opened before to the same, frozen reasoning', () => {
    const blob = carrier.seal(reasoning);
    const first = carrier.open(blob);
    const again = carrier.open(`${blob}`);

    expect(again).toEqual({ ok: true, reasoning });
    expect(again.ok && first.ok && again.reasoning).toBe(first.ok && first.reasoning);
    expect(Object.isFrozen(again.ok && again.reasoning)).toBe(true);
  });

  it('still refuses a changed or shortened copy of a blob it has opened', () => {
    const blob = carrier.seal(reasoning);
    expect(carrier.open(blob).ok).toBe(true);

    expect(carrier.open(flipCharacter(blob, blob.length - 3))).toEqual({ ok: false, why: 'tampered' });
    expect(carrier.open(blob.slice(0, -10))).toEqual({ ok: false, why: 'tampered' });
    expect(carrier.open(`${blob}A`)).toEqual({ ok: false, why: 'tampered' });
    // Another carrier (another key) keeps nothing of this one's.
    expect(createReasoningCarrier(randomBytes(REASONING_KEY_BYTES)).open(blob)).toEqual({
      ok: false,
      why: 'tampered',
    });
  });

  it.each([0, 16, 31, 33, 64])('refuses a key of %i bytes', (length) => {
    expect(() => createReasoningCarrier(Buffer.alloc(length))).toThrow(/32 bytes/);
  });
});

describe('IV source', () => {
  it('hands out distinct IVs of the size asked, drawing randomness once per fill', () => {
    const next = ivSource(12, 4);
    const ivs = Array.from({ length: 9 }, () => next());
    expect(ivs.every((iv) => iv.length === 12)).toBe(true);
    expect(new Set(ivs.map((iv) => iv.toString('hex'))).size).toBe(9);
    // 9 IVs at 4 a fill: three fills.
    expect(new Set(ivs.map((iv) => iv.buffer)).size).toBe(3);
  });

  it('never writes over an IV it has handed out', () => {
    const next = ivSource(12, 2);
    const first = next();
    const copy = Buffer.from(first);
    for (let index = 0; index < 10; index += 1) next();
    expect(first.equals(copy)).toBe(true);
  });
});

describe('opened blob cache', () => {
  const opened = (text: string): SealedReasoning => ({ text, model: 'kimi-k2.6' });

  /** A deterministic stand-in for Math.random (mulberry32). */
  function seeded(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
  }

  it('keeps every blob that fits its budget of characters (blob and text)', () => {
    const cache = openedCache(30);
    cache.set('blob-a', opened('aaaa')); // 10 characters
    cache.set('blob-b', opened('bbbb'));
    cache.set('blob-c', opened('cccc'));

    expect(cache.chars).toBe(30);
    expect(['blob-a', 'blob-b', 'blob-c'].map((blob) => cache.get(blob)?.text)).toEqual([
      'aaaa',
      'bbbb',
      'cccc',
    ]);
  });

  it('makes room for a new blob by dropping one chosen at random, staying within the budget', () => {
    const cache = openedCache(30, () => 0.5); // the middle one of three
    cache.set('blob-a', opened('aaaa'));
    cache.set('blob-b', opened('bbbb'));
    cache.set('blob-c', opened('cccc'));

    cache.set('blob-d', opened('dddd'));

    expect(cache.get('blob-b')).toBeUndefined();
    expect(['blob-a', 'blob-c', 'blob-d'].map((blob) => cache.get(blob)?.text)).toEqual([
      'aaaa',
      'cccc',
      'dddd',
    ]);
    expect(cache.chars).toBe(30);

    cache.set('blob-big', opened('x'.repeat(15))); // 23 characters: with any one kept it would not fit, so all go
    expect(cache.size).toBe(1);
    expect(cache.chars).toBe(23);
  });

  it('still serves much of a history replayed in order every turn that has outgrown the budget', () => {
    // Room for two of three blobs; each turn looks up a, b, c in order and keeps what it had to open. Dropping the
    // least recently used blob would miss all 90 lookups.
    const cache = openedCache(20, seeded(7));
    let hits = 0;
    for (let turn = 0; turn < 30; turn += 1) {
      for (const blob of ['blob-a', 'blob-b', 'blob-c']) {
        if (cache.get(blob)) hits += 1;
        else cache.set(blob, opened('xxxx'));
      }
    }

    expect(hits).toBeGreaterThanOrEqual(20);
    expect(cache.chars).toBeLessThanOrEqual(20);
  });

  it('keeps nothing larger than its whole budget, and counts a blob kept twice once', () => {
    const cache = openedCache(30);
    cache.set('blob-a', opened('aaaa'));
    cache.set('blob-huge', opened('x'.repeat(40)));
    cache.set('blob-a', opened('aaaa'));
    cache.set('blob-b', opened('bbbb'));
    cache.set('blob-c', opened('cccc'));

    expect(cache.get('blob-huge')).toBeUndefined();
    expect(cache.size).toBe(3);
    expect(cache.chars).toBe(30);
  });

  it('serves a blob only to the same blob, not to another with the same beginning', () => {
    const cache = openedCache(10_000);
    const start = `ocb1.${'A'.repeat(60)}`;
    cache.set(`${start}one`, opened('first'));

    expect(cache.get(`${start}two`)).toBeUndefined();
    expect(cache.get(`${start}one`)?.text).toBe('first');
    // Kept in its place: the two share the part of a blob the cache is keyed by.
    cache.set(`${start}two`, opened('second'));
    expect(cache.get(`${start}one`)).toBeUndefined();
    expect(cache.get(`${start}two`)?.text).toBe('second');
    expect(cache.size).toBe(1);
  });

  it('counts signatures and redacted data against the budget', () => {
    const cache = openedCache(30);
    cache.set('blob-a', { ...opened('aa'), signature: 'x'.repeat(30) });
    cache.set('blob-b', { ...opened('bb'), redacted: 'y'.repeat(30) });

    expect(cache.size).toBe(0);
  });
});
