/**
 * The role file for `codex-oss install --agent NAME --model ID`: same fields and shared rules as the shipped roles.
 */
import { PROVIDER_ID } from '../project.ts';
import { renderKeyValue } from '../toml/render-section.ts';
import { customAgentInstructions } from './agent-instructions.ts';
import type { CustomAgentRequest } from './options.ts';

function defaultDescription(agent: CustomAgentRequest): string {
  const access =
    agent.sandbox === 'read-only' ? 'read-only questions about the code' : 'bounded code changes';
  return (
    `USE ME WHEN a task fits ${agent.model} (${agent.effort} reasoning): ${access}, with the paths given in the handoff. ` +
    'DO NOT USE FOR auth, recovery, schema/migrations, CI/deploy, cross-module invariants, or anything risking data loss or security.'
  );
}

function nickname(name: string): string {
  const base = name.replace(/^oss-/, '');
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/** A TOML multi-line literal string: readable, and needs no escaping as long as it holds no `'''`. */
function multilineLiteral(key: string, text: string): string {
  if (text.includes("'''")) return renderKeyValue(key, text);
  return `${key} = '''\n${text}\n'''`;
}

export function renderCustomAgent(agent: CustomAgentRequest): string {
  return [
    `# Custom OSS agent added by \`codex-oss install --agent ${agent.name}\`. Edit freely: install keeps your edits`,
    '# unless run with --force. Codex accepts exactly these fields; any other one makes it ignore the role.',
    renderKeyValue('name', agent.name),
    renderKeyValue('description', agent.description ?? defaultDescription(agent)),
    renderKeyValue('nickname_candidates', [nickname(agent.name)]),
    multilineLiteral(
      'developer_instructions',
      customAgentInstructions(agent.name, agent.model, agent.sandbox),
    ),
    renderKeyValue('model', agent.model),
    renderKeyValue('model_provider', PROVIDER_ID),
    renderKeyValue('model_reasoning_effort', agent.effort),
    renderKeyValue('sandbox_mode', agent.sandbox),
    '',
  ].join('\n');
}
