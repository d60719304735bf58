import { describe, expect, it } from 'vitest';
import { targetPath } from './listener.ts';

describe('targetPath', () => {
  it.each([
    ['/v1/responses', '/v1/responses'],
    ['/v1/responses?client=codex', '/v1/responses'],
    ['/responses', '/responses'],
    ['/v1/./responses', '/v1/responses'],
    ['/v1/x/../responses', '/v1/responses'],
    ['/v1/responses#part', '/v1/responses'],
    ['/v1/%72esponses', '/v1/responses'],
    ['/v1/responses/', '/v1/responses/'],
    ['http://127.0.0.1:4000/v1/responses', '/v1/responses'],
    ['https://localhost/v1/responses?x=1', '/v1/responses'],
    ['//127.0.0.1:4000/v1/responses', '//127.0.0.1:4000/v1/responses'],
    ['/v1/%E0%A4%A', '/v1/%E0%A4%A'],
  ])('reads %j as %j', (target, path) => {
    expect(targetPath(target)).toBe(path);
  });

  it.each(['foo://x/v1/responses', 'HTTP://127.0.0.1/v1/responses', '/v1\\responses', '*', ''])(
    'finds no path in %j',
    (target) => {
      expect(targetPath(target)).toBeUndefined();
    },
  );
});
