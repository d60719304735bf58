/**
 * What install puts between the codex-oss markers in the project's AGENTS.md: the routing contract, plus a table of
 * the custom OSS agents the project has, so the main session knows when to use them too.
 */
import type { AgentRole } from './agent-role.ts';

export const MANAGED_NOTE =
  '<!-- Managed by `codex-oss install`: everything between these markers is replaced on the next install. -->';

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function customAgentsSection(custom: readonly AgentRole[]): string[] {
  if (custom.length === 0) return [];
  const rows = [...custom]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(
      (role) =>
        `| \`${role.name}\` | \`${role.model}\` | ${role.model_reasoning_effort} | ${role.sandbox_mode} | ${cell(role.description)} |`,
    );
  return [
    '',
    '### Custom OSS agents in this project',
    '',
    'Same rules as the lanes above (critical paths stay on GPT, `fork_turns: "none"`, the handoff template).',
    '',
    '| Agent (`agent_type`) | Model | Reasoning | Sandbox | When |',
    '|---|---|---|---|---|',
    ...rows,
  ];
}

export function agentsMdBlock(contract: string, customAgents: readonly AgentRole[]): string {
  return [MANAGED_NOTE, '', contract.trim(), ...customAgentsSection(customAgents)].join('\n');
}
