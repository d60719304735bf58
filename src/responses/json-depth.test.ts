import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, pathBeyondDepth } from './json-depth.ts';

/** JSON text of `depth` nested arrays around a number, parsed (JSON.parse itself accepts any depth). */
function nestedArrays(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
}

describe('pathBeyondDepth', () => {
  it.each([null, 42, 'text', true])('finds nothing too deep in the scalar %s', (value) => {
    expect(pathBeyondDepth(value, 1)).toBeUndefined();
  });

  it('accepts nesting up to the limit, the outermost value being level 1', () => {
    expect(pathBeyondDepth(nestedArrays(MAX_JSON_DEPTH))).toBeUndefined();
    expect(pathBeyondDepth({ a: { b: [] } }, 3)).toBeUndefined();
  });

  it('names the path to the first value nested past the limit', () => {
    const body = {
      model: 'x',
      metadata: { note: 'fine' },
      tools: [{ parameters: { properties: { p: {} } } }],
    };

    expect(pathBeyondDepth(body, 4)).toEqual(['tools', '0', 'parameters', 'properties']);
  });

  it('walks nesting far deeper than the stack allows without overflowing it', () => {
    const deep = nestedArrays(20_000);

    expect(pathBeyondDepth(deep)).toHaveLength(MAX_JSON_DEPTH);
    expect(
      pathBeyondDepth({ deep: JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`) }),
    ).toHaveLength(MAX_JSON_DEPTH);
    // A limit past what the quick recursive check takes is walked iteratively alone.
    expect(pathBeyondDepth(deep, 5_000)).toHaveLength(5_000);
    expect(pathBeyondDepth(nestedArrays(5_000), 5_000)).toBeUndefined();
  });

  it('finds a value too deep in any branch, not only the first or the last', () => {
    const body = {
      a: nestedArrays(3),
      b: [nestedArrays(2), { c: nestedArrays(7) }, nestedArrays(1)],
      d: nestedArrays(2),
    };

    expect(pathBeyondDepth(body, 10)).toBeUndefined();
    expect(pathBeyondDepth(body, 9)?.slice(0, 3)).toEqual(['b', '1', 'c']);
  });
});
