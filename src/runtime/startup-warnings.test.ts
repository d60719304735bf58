import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { startupWarnings } from './startup-warnings.ts';

describe('startupWarnings', () => {
  it('warns in one line that every upstream call will fail when started without a key', () => {
    const warnings = startupWarnings(loadConfig({ ALLOW_MISSING_OPENCODE_KEY: '1' }, '/tmp'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('\n');
    expect(warnings[0]).toMatch(/without OPENCODE_GO_API_KEY.*every upstream call .* will fail/);
  });

  it('has nothing to say when the key is set', () => {
    expect(startupWarnings(loadConfig({ OPENCODE_GO_API_KEY: 'sk-x' }, '/tmp'))).toEqual([]);
  });
});
