import { describe, expect, it } from 'vitest';
import { execRulesFile, FORBIDDEN_PREFIXES } from './exec-rules.ts';

/** Codex's prefix matching: each pattern token is a literal or a list of alternatives. */
function matches(pattern: ReadonlyArray<string | string[]>, command: readonly string[]): boolean {
  return pattern.every((token, index) => {
    const word = command[index];
    return word !== undefined && (Array.isArray(token) ? token.includes(word) : token === word);
  });
}

describe('the exec-policy rules', () => {
  it("have examples that agree with their own patterns (Codex refuses to load a file where they don't)", () => {
    for (const rule of FORBIDDEN_PREFIXES) {
      for (const example of rule.match) expect(matches(rule.pattern, example), example.join(' ')).toBe(true);
      for (const example of rule.notMatch ?? [])
        expect(matches(rule.pattern, example), example.join(' ')).toBe(false);
    }
  });

  it('render as forbidden prefix_rule calls', () => {
    const file = execRulesFile();
    expect(file.match(/prefix_rule\(/g)).toHaveLength(FORBIDDEN_PREFIXES.length);
    expect(file.match(/decision = "forbidden"/g)).toHaveLength(FORBIDDEN_PREFIXES.length);
    expect(file).toContain('pattern = ["codex", ["exec", "e"]],');
  });
});
