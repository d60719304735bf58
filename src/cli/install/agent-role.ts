/**
 * A Codex custom agent role file (`.codex/agents/<name>.toml`). Codex 0.169 accepts exactly these fields and drops
 * a role with any other one ("Ignoring malformed agent role definition: ... unknown field"), so roles are checked
 * against this list before they are written.
 */
import { PROVIDER_ID } from '../project.ts';
import { parseToml, type TomlTable } from '../toml/parse-toml.ts';

export const AGENT_ROLE_FIELDS = [
  'name',
  'description',
  'nickname_candidates',
  'developer_instructions',
  'model',
  'model_provider',
  'model_reasoning_effort',
  'sandbox_mode',
] as const;

export interface AgentRole {
  name: string;
  description: string;
  nickname_candidates: string[];
  developer_instructions: string;
  model: string;
  model_provider: string;
  model_reasoning_effort: string;
  sandbox_mode: string;
}

/** What is wrong with a parsed role file; empty when Codex will load it. */
export function agentRoleProblems(table: TomlTable): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(table)) {
    if (!(AGENT_ROLE_FIELDS as readonly string[]).includes(key)) problems.push(`unknown field '${key}'`);
  }
  for (const field of AGENT_ROLE_FIELDS) {
    const value = table[field];
    if (field === 'nickname_candidates') {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
        problems.push(`'${field}' must be a list of strings`);
    } else if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`'${field}' must be a non-empty string`);
    }
  }
  return problems;
}

export function parseAgentRole(text: string, file: string): AgentRole {
  const table = parseToml(text, file);
  const problems = agentRoleProblems(table);
  if (problems.length > 0) throw new Error(`${file} is not a valid Codex agent role: ${problems.join('; ')}`);
  return table as unknown as AgentRole;
}

/** A role that runs on the bridge (the others are the user's own business). */
export function isBridgeRole(table: TomlTable): boolean {
  return table.model_provider === PROVIDER_ID && typeof table.model === 'string';
}
