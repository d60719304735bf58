/**
 * topology (with --live): the real Codex, run as the user runs it, spawns an OSS agent, and the bridge's own
 * metrics prove that the agent's requests reached it with the agent's model. Where the installed Codex ignores an
 * agent's model_provider, the subagent-provider topology cannot work, and this says so without spending tokens.
 */
import path from 'node:path';
import { BUILT_IN_AGENTS } from '../install/orchestration.ts';
import { honoursAgentProviders } from '../install/topology.ts';
import { PROFILE_NAME } from '../project.ts';
import { fetchResponsesServed, ROUND_TRIP_MODEL } from './bridge-probes.ts';
import { type Check, fail, notChecked, type Outcome, pass, warn } from './check.ts';
import { readTomlDoc, usesProfile } from './config-files.ts';
import type { CodexInstall, DoctorContext } from './context.ts';
import { codexErrorReason } from './rules.ts';

export const LIVE_TIMEOUT_MS = 180_000;
/** The parent model of the live run: the cheapest OSS model, so no GPT tokens are spent. */
export const PARENT_MODEL = ROUND_TRIP_MODEL;
export const SPAWNED_AGENT = 'oss-kimi-rapid';

export function spawnPrompt(agent: string): string {
  return [
    'This is a connectivity check of subagents: do not read or change files and do not run commands.',
    `Call spawn_agent exactly once, with agent_type "${agent}", fork_turns "none" (or fork_context false, whichever`,
    'the tool offers) and the message "Reply with the word OK and nothing else.".',
    'Then call wait_agent for that agent and, once it has answered, reply with the single word DONE.',
  ].join(' ');
}

/** The model the spawned agent's role file names (what its requests must carry). */
function agentModel(context: DoctorContext): string {
  const doc = readTomlDoc(path.join(context.paths.agentsDir, `${SPAWNED_AGENT}.toml`));
  const model = doc.data?.model;
  const builtIn = BUILT_IN_AGENTS.find((agent) => agent.name === SPAWNED_AGENT)?.model ?? 'ocg-kimi-k2.6';
  return typeof model === 'string' ? model : builtIn;
}

function execArgs(context: DoctorContext): string[] {
  const profile = usesProfile(context.files) ? ['--profile', PROFILE_NAME] : [];
  return [
    ...profile,
    'exec',
    '--skip-git-repo-check',
    '--ephemeral',
    '-m',
    PARENT_MODEL,
    spawnPrompt(SPAWNED_AGENT),
  ];
}

/** The command a user can run to see the same spawn for themselves. */
function manualCommand(context: DoctorContext): string {
  const args = execArgs(context).slice(0, -1);
  return `codex ${args.join(' ')} "spawn agent_type ${SPAWNED_AGENT} and wait for it"`;
}

async function spawnThroughCodex(
  codex: CodexInstall,
  url: string,
  key: string,
  context: DoctorContext,
): Promise<Outcome> {
  const model = agentModel(context);
  const before = await fetchResponsesServed(url, key, model);
  const started = Date.now();
  const run = await context.runCodex(codex.path, execArgs(context), { timeoutMs: LIVE_TIMEOUT_MS });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const reached = (await fetchResponsesServed(url, key, model)) - before;
  if (reached > 0) {
    return pass(
      `a spawned ${SPAWNED_AGENT} reached the bridge as ${model} (${reached} requests, ${seconds} s)`,
    );
  }
  const outcome =
    run.exitCode === 0 ? 'Codex finished' : `Codex exited ${run.exitCode}: ${codexErrorReason(run.stderr)}`;
  return fail(
    `no ${model} request reached the bridge in ${seconds} s (${outcome})`,
    `run \`${manualCommand(context)}\` in ${context.paths.root} and look for spawn_agent in its output`,
  );
}

async function liveSpawn(context: DoctorContext): Promise<Outcome> {
  const codex = await context.codex();
  if (!codex) return notChecked('the Codex CLI was not found', 'npm install -g @openai/codex');
  if (!context.topology) return notChecked('no provider is defined', 'codex-oss install');
  if (context.topology === 'subagent-provider' && !honoursAgentProviders(codex.version ?? '0.0.0')) {
    return fail(
      `Codex ${codex.version} ignores an agent's model_provider: OSS agents keep the parent's provider (OpenAI) and fail with their ocg-* model`,
      `switch to the router topology: codex-oss install --topology router && codex-oss stop && codex-oss start --detach --mode openai, then use \`codex --profile ${PROFILE_NAME}\``,
    );
  }
  const [state, key, trip] = [await context.bridge(), await context.bridgeKey(), await context.roundTrip()];
  if (!state.running || !key || !trip?.ok) {
    return notChecked(
      'the bridge checks above must pass first',
      'fix the bridge FAILs above, then run `codex-oss doctor --live`',
    );
  }
  return spawnThroughCodex(codex, state.record.url, key.key, context);
}

const liveSubagentSpawn: Check = {
  id: 'live-spawn',
  group: 'topology',
  title: 'Live subagent spawn',
  run(context) {
    if (!context.options.live) {
      return warn(
        'skipped; run with --live (spawns a real subagent through Codex: a few tokens)',
        'codex-oss doctor --live',
      );
    }
    return liveSpawn(context);
  },
};

export const TOPOLOGY_CHECKS: readonly Check[] = [liveSubagentSpawn];
