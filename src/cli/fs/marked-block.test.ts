import { describe, expect, it } from 'vitest';
import {
  HASH_MARKERS,
  MARKDOWN_MARKERS,
  MarkedBlockError,
  readMarkedBlock,
  upsertMarkedBlock,
} from './marked-block.ts';

describe('upsertMarkedBlock', () => {
  it('writes just the block into an empty file', () => {
    expect(upsertMarkedBlock('', 'hello', MARKDOWN_MARKERS)).toBe(
      '<!-- codex-oss:start -->\nhello\n<!-- codex-oss:end -->\n',
    );
  });

  it('appends the block after the user content, separated by a blank line', () => {
    expect(upsertMarkedBlock('# My project\n\nRules.\n', 'ours', MARKDOWN_MARKERS)).toBe(
      '# My project\n\nRules.\n\n<!-- codex-oss:start -->\nours\n<!-- codex-oss:end -->\n',
    );
    expect(upsertMarkedBlock('node_modules', 'ours', HASH_MARKERS)).toBe(
      'node_modules\n\n# codex-oss:start\nours\n# codex-oss:end\n',
    );
  });

  it('replaces only what is between the markers', () => {
    const text = 'before\n# codex-oss:start\nold\nlines\n# codex-oss:end\nafter\n';
    expect(upsertMarkedBlock(text, 'new', HASH_MARKERS)).toBe(
      'before\n# codex-oss:start\nnew\n# codex-oss:end\nafter\n',
    );
  });

  it('is idempotent', () => {
    const once = upsertMarkedBlock('mine\n', 'ours\nmore', MARKDOWN_MARKERS);
    expect(upsertMarkedBlock(once, 'ours\nmore', MARKDOWN_MARKERS)).toBe(once);
  });

  it('keeps Windows line endings', () => {
    expect(upsertMarkedBlock('a\r\n', 'b', HASH_MARKERS)).toBe(
      'a\r\n\r\n# codex-oss:start\r\nb\r\n# codex-oss:end\r\n',
    );
  });

  it('refuses a file whose markers do not pair up, naming the fix', () => {
    expect(() =>
      upsertMarkedBlock('<!-- codex-oss:start -->\nx\n', 'y', MARKDOWN_MARKERS, 'AGENTS.md'),
    ).toThrow(MarkedBlockError);
    expect(() =>
      upsertMarkedBlock('# codex-oss:end\n# codex-oss:start\n', 'y', HASH_MARKERS, '.gitignore'),
    ).toThrow(/\.gitignore has unmatched codex-oss markers .* leave exactly one pair/);
  });
});

describe('readMarkedBlock', () => {
  it('returns the block body, or undefined when there is none', () => {
    expect(readMarkedBlock('a\n# codex-oss:start\nx\ny\n# codex-oss:end\n', HASH_MARKERS)).toBe('x\ny');
    expect(readMarkedBlock('a\n', HASH_MARKERS)).toBeUndefined();
  });
});
