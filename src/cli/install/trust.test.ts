import { describe, expect, it } from 'vitest';
import { trustedProjectTable, trustLevelOf } from './trust.ts';

describe('trustLevelOf', () => {
  const config = {
    projects: { '/repo': { trust_level: 'trusted' }, '/repo/vendor': { trust_level: 'untrusted' } },
  };

  it("reads the project's own entry, else the nearest ancestor's", () => {
    expect(trustLevelOf(config, '/repo')).toBe('trusted');
    expect(trustLevelOf(config, '/repo/packages/app')).toBe('trusted');
    expect(trustLevelOf(config, '/repo/vendor/lib')).toBe('untrusted');
    expect(trustLevelOf(config, '/elsewhere')).toBeUndefined();
    expect(trustLevelOf({}, '/repo')).toBeUndefined();
  });
});

describe('trustedProjectTable', () => {
  it('records trust and keeps the other keys of the project table', () => {
    expect(
      trustedProjectTable({ projects: { '/p': { trust_level: 'untrusted', note: 'x' } } }, '/p'),
    ).toEqual({
      trust_level: 'trusted',
      note: 'x',
    });
    expect(trustedProjectTable({}, '/p')).toEqual({ trust_level: 'trusted' });
  });
});
