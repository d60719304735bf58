import { describe, expect, it } from 'vitest';
import { parseToml } from '../toml/parse-toml.ts';
import { NO_RECURSION_RULE, REFUSE_SECTION, REPORT_SECTION } from './agent-instructions.ts';
import { AGENT_ROLE_FIELDS, agentRoleProblems, isBridgeRole, parseAgentRole } from './agent-role.ts';
import { BUILT_IN_AGENTS, readAgentTemplate } from './orchestration.ts';

describe('the shipped agent templates (orchestration/agents)', () => {
  for (const agent of BUILT_IN_AGENTS) {
    it(`${agent.name} has exactly the fields Codex accepts and its lane's model, effort and sandbox`, () => {
      const role = parseAgentRole(readAgentTemplate(agent.name), agent.name);
      expect(Object.keys(role).sort()).toEqual([...AGENT_ROLE_FIELDS].sort());
      expect(role).toMatchObject({
        name: agent.name,
        model: agent.model,
        model_provider: 'opencode_bridge',
        model_reasoning_effort: agent.effort,
        sandbox_mode: agent.sandbox,
      });
      expect(role.description).toMatch(/^USE ME WHEN .+ DO NOT USE FOR .+/);
    });

    it(`${agent.name} refuses critical paths, never recurses, and reports with confidence`, () => {
      const { developer_instructions: instructions } = parseAgentRole(
        readAgentTemplate(agent.name),
        agent.name,
      );
      expect(instructions).toContain(REFUSE_SECTION);
      expect(instructions).toContain(NO_RECURSION_RULE);
      expect(instructions).toContain(REPORT_SECTION);
    });
  }
});

describe('agentRoleProblems', () => {
  const valid = parseToml(readAgentTemplate('oss-kimi-rapid'), 'oss-kimi-rapid');

  it('accepts a complete role', () => {
    expect(agentRoleProblems(valid)).toEqual([]);
  });

  it('names unknown fields (Codex drops such a role) and missing or mistyped ones', () => {
    expect(agentRoleProblems({ ...valid, temperature: 0.2 })).toEqual(["unknown field 'temperature'"]);
    const { model: _model, ...withoutModel } = valid;
    expect(agentRoleProblems({ ...withoutModel, nickname_candidates: 'Scout' })).toEqual([
      "'nickname_candidates' must be a list of strings",
      "'model' must be a non-empty string",
    ]);
  });

  it('refuses to parse an invalid role, naming the file', () => {
    expect(() => parseAgentRole('name = "x"\n', 'x.toml')).toThrow(
      /^x\.toml is not a valid Codex agent role: /,
    );
  });
});

describe('isBridgeRole', () => {
  it('is true for roles on the opencode_bridge provider only', () => {
    expect(isBridgeRole({ model: 'ocg-kimi-k2.6', model_provider: 'opencode_bridge' })).toBe(true);
    expect(isBridgeRole({ model: 'gpt-5.5', model_provider: 'openai' })).toBe(false);
  });
});
