import { describe, expect, it } from 'vitest';
import { withOpencodeKey } from './project-files.ts';

describe('withOpencodeKey', () => {
  it('writes a new key file with a comment', () => {
    expect(withOpencodeKey(undefined, 'sk-1')).toMatch(/^# .+\nOPENCODE_GO_API_KEY=sk-1\n$/);
  });

  it('replaces only its own line, keeping the others', () => {
    expect(withOpencodeKey('# mine\nOTHER=1\nOPENCODE_GO_API_KEY=old\n', 'new')).toBe(
      '# mine\nOTHER=1\nOPENCODE_GO_API_KEY=new\n',
    );
    expect(withOpencodeKey('OTHER=1', 'k')).toBe('OTHER=1\nOPENCODE_GO_API_KEY=k\n');
  });

  it('refuses a key with a line break', () => {
    expect(() => withOpencodeKey(undefined, 'a\nb')).toThrow(/line break/);
  });
});
