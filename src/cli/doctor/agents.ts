/**
 * agents: the three OSS agent roles exist in .codex/agents/, each with exactly the fields Codex accepts (an
 * unknown one makes Codex drop the role), an ocg-* model, the bridge provider, and the lane's reasoning effort and
 * sandbox; and the installed Codex, asked without any HTTP call (`codex debug prompt-input`), lists them.
 */
import path from 'node:path';
import { agentRoleProblems } from '../install/agent-role.ts';
import { BUILT_IN_AGENTS } from '../install/orchestration.ts';
import { PROFILE_NAME, PROVIDER_ID } from '../project.ts';
import type { TomlTable } from '../toml/parse-toml.ts';
import { type Check, fail, notChecked, type Outcome, pass, warn } from './check.ts';
import { projectTrust, syntaxFix } from './config.ts';
import { readTomlDoc, usesProfile } from './config-files.ts';
import type { DoctorContext } from './context.ts';

type BuiltInAgent = (typeof BUILT_IN_AGENTS)[number];

/** A model that renders its tools (and so the agent roles) into the prompt input. */
const ROLE_LISTING_MODEL = 'gpt-6.1-sol';
const REWRITE = 'codex-oss install --force (rewrites the agent files; yours are backed up)';

function lanes(agent: BuiltInAgent, role: TomlTable): string[] {
  const drift: string[] = [];
  if (role.model_reasoning_effort !== agent.effort) {
    drift.push(`reasoning effort ${String(role.model_reasoning_effort)} (the lane's is ${agent.effort})`);
  }
  if (role.sandbox_mode !== agent.sandbox) {
    drift.push(`sandbox ${String(role.sandbox_mode)} (the lane's is ${agent.sandbox})`);
  }
  return drift;
}

function judgeRole(agent: BuiltInAgent, role: TomlTable, file: string, context: DoctorContext): Outcome {
  const problems = agentRoleProblems(role);
  if (problems.length > 0)
    return fail(`Codex drops this role: ${problems.join('; ')}`, `fix ${file}, or ${REWRITE}`);
  if (role.name !== agent.name) {
    return fail(
      `name = "${String(role.name)}": Codex offers the role under that name, but AGENTS.md sends work to ${agent.name}`,
      `set name = "${agent.name}" in ${file}`,
    );
  }
  const model = String(role.model);
  if (!/^(ocg-|opencode-go\/)/.test(model)) {
    return fail(
      `model = "${model}" is not an OSS model the bridge serves (ocg-…)`,
      `set model = "${agent.model}" in ${file}`,
    );
  }
  if (role.model_provider !== PROVIDER_ID && context.topology === 'subagent-provider') {
    return fail(
      `model_provider = "${String(role.model_provider)}": in the subagent-provider topology the role must name ${PROVIDER_ID}`,
      `set model_provider = "${PROVIDER_ID}" in ${file}`,
    );
  }
  const drift = lanes(agent, role);
  if (drift.length > 0)
    return warn(`${model}, but ${drift.join(' and ')}`, `${REWRITE}, unless you chose this`);
  return pass(`${model}, reasoning ${agent.effort}, sandbox ${agent.sandbox}`);
}

function agentCheck(agent: BuiltInAgent): Check {
  return {
    id: `agent-${agent.name}`,
    group: 'agents',
    title: `Agent ${agent.name}`,
    run(context) {
      const file = path.join(context.paths.agentsDir, `${agent.name}.toml`);
      const doc = readTomlDoc(file);
      if (doc.text === undefined) return fail(`${file} is missing`, 'codex-oss install');
      if (!doc.data) return fail(`${file} does not parse, so Codex drops the role`, syntaxFix(doc));
      return judgeRole(agent, doc.data, file, context);
    },
  };
}

/** `<name>: <description … model is set to `<model>` …>` for every role Codex lists in spawn_agent's agent_type. */
export function listedRoles(promptInput: string): Map<string, string> {
  const roles = new Map<string, string>();
  for (const [, name, text] of promptInput.matchAll(/\\n([a-z][a-z0-9-]*): \{\\n(.*?)\\n\}/g)) {
    if (name && text) roles.set(name, text);
  }
  return roles;
}

const codexListsRoles: Check = {
  id: 'agents-loaded',
  group: 'agents',
  title: 'Codex lists the roles',
  async run(context) {
    const codex = await context.codex();
    if (!codex) return notChecked('the Codex CLI was not found', 'npm install -g @openai/codex');
    if (projectTrust(context.files, context.paths.root)?.level !== 'trusted') {
      return notChecked(
        'the project is not trusted, so Codex ignores .codex/agents/',
        'codex-oss install --trust',
      );
    }
    const profile = usesProfile(context.files) ? ['--profile', PROFILE_NAME] : [];
    const args = [...profile, 'debug', 'prompt-input', '-c', `model="${ROLE_LISTING_MODEL}"`, 'hi'];
    const run = await context.runCodex(codex.path, args);
    if (run.exitCode !== 0) {
      const reason =
        run.stderr.split('\n').find((line) => line.startsWith('Error')) ?? `exit code ${run.exitCode}`;
      return fail(
        `\`codex ${args.join(' ')}\` failed: ${reason}`,
        `run \`codex ${args.join(' ')}\` in ${context.paths.root} and fix what it reports`,
      );
    }
    const roles = listedRoles(run.stdout);
    const missing = BUILT_IN_AGENTS.filter((agent) => !roles.get(agent.name)?.includes(`\`${agent.model}\``));
    if (missing.length === 0) {
      return pass(
        `Codex ${codex.version ?? ''} lists ${BUILT_IN_AGENTS.map((agent) => `${agent.name} (${agent.model})`).join(', ')}`,
      );
    }
    return fail(
      `Codex does not list ${missing.map((agent) => `${agent.name} with ${agent.model}`).join(', ')}`,
      REWRITE,
    );
  },
};

export const AGENT_CHECKS: readonly Check[] = [...BUILT_IN_AGENTS.map(agentCheck), codexListsRoles];
