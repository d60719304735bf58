import { describe, expect, it } from 'vitest';
import { customToolInput } from './stream-items.ts';

describe('customToolInput', () => {
  it('unwraps {"input": ...}', () => expect(customToolInput('{"input":"x"}')).toBe('x'));
  it('accepts a single differently named string field', () =>
    expect(customToolInput('{"patch":"x"}')).toBe('x'));
  it('takes non-JSON arguments as the raw input', () =>
    expect(customToolInput('*** Begin Patch')).toBe('*** Begin Patch'));
});
