import { describe, expect, it } from 'vitest';
import type { AgentRole } from './agent-role.ts';
import { agentsMdBlock, MANAGED_NOTE } from './agents-md-block.ts';
import { readRoutingContract } from './orchestration.ts';

const role = (name: string, description: string): AgentRole => ({
  name,
  description,
  nickname_candidates: [],
  developer_instructions: 'x',
  model: `ocg-${name}`,
  model_provider: 'opencode_bridge',
  model_reasoning_effort: 'low',
  sandbox_mode: 'read-only',
});

describe('agentsMdBlock', () => {
  it('is the managed note and the routing contract when there are no custom agents', () => {
    expect(agentsMdBlock('## Contract\n\ntext\n', [])).toBe(`${MANAGED_NOTE}\n\n## Contract\n\ntext`);
  });

  it('adds a sorted table of custom agents, escaping table syntax', () => {
    const block = agentsMdBlock('## C', [role('zeta', 'USE ME WHEN z'), role('alpha', 'a | b\nc')]);
    expect(block).toContain('### Custom OSS agents in this project');
    expect(block.indexOf('`alpha`')).toBeLessThan(block.indexOf('`zeta`'));
    expect(block).toContain('| `alpha` | `ocg-alpha` | low | read-only | a \\| b c |');
  });
});

describe('the shipped routing contract (orchestration/AGENTS.md)', () => {
  const contract = readRoutingContract();

  it('names the lanes, the critical paths, fork_turns none, the handoff fields and no recursive exec', () => {
    for (const text of [
      '`oss-deepseek-pro`',
      '`oss-kimi-rapid`',
      '`oss-flash-support`',
      'authentication',
      'migrations',
      'CI/CD',
      'cross-module invariants',
      'data loss',
      'fork_turns: "none"',
      'READ-ONLY PATHS:',
      'OWNED PATHS:',
      'DELIVERABLE:',
      'CONFIDENCE: HIGH | MEDIUM | LOW',
      'Never run `codex exec`',
    ]) {
      expect(contract).toContain(text);
    }
  });

  it('holds no codex-oss markers of its own', () => {
    expect(contract).not.toContain('codex-oss:start');
    expect(contract).not.toContain('codex-oss:end');
  });
});
