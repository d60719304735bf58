import { describe, expect, it } from 'vitest';
import { REFUSE_SECTION, REPORT_SECTION } from './agent-instructions.ts';
import { parseAgentRole } from './agent-role.ts';
import { renderCustomAgent } from './custom-agent.ts';

describe('renderCustomAgent', () => {
  it('renders a valid role with the shared rules and a USE ME WHEN description', () => {
    const role = parseAgentRole(
      renderCustomAgent({ name: 'oss-glm', model: 'ocg-glm-5.1', effort: 'low', sandbox: 'read-only' }),
      'oss-glm.toml',
    );
    expect(role).toMatchObject({
      name: 'oss-glm',
      nickname_candidates: ['Glm'],
      model: 'ocg-glm-5.1',
      model_provider: 'opencode_bridge',
      model_reasoning_effort: 'low',
      sandbox_mode: 'read-only',
    });
    expect(role.description).toMatch(/^USE ME WHEN .*ocg-glm-5\.1.* DO NOT USE FOR /);
    expect(role.developer_instructions).toContain('You are read-only');
    expect(role.developer_instructions).toContain(REFUSE_SECTION);
    expect(role.developer_instructions).toContain(REPORT_SECTION);
  });

  it('gives a writing role the OWNED PATHS scope, and keeps a description as given', () => {
    const role = parseAgentRole(
      renderCustomAgent({
        name: 'oss-coder',
        model: 'ocg-qwen3-coder',
        effort: 'high',
        sandbox: 'workspace-write',
        description: 'USE ME WHEN "quoted" things. DO NOT USE FOR other things.',
      }),
      'oss-coder.toml',
    );
    expect(role.developer_instructions).toContain('Change only files under OWNED PATHS');
    expect(role.description).toBe('USE ME WHEN "quoted" things. DO NOT USE FOR other things.');
  });
});
