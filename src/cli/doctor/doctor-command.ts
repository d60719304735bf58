/**
 * `codex-oss doctor [--json] [--live] [--port N]`: runs every check (independent ones at once; shared probes run
 * once), prints the table or JSON, and exits 1 when any check FAILs.
 */
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Command, UsageError } from '../command.ts';
import { AGENT_CHECKS } from './agents.ts';
import { AGREEMENT_CHECKS } from './agreements.ts';
import { BRIDGE_CHECKS } from './bridge.ts';
import { type Check, runCheck } from './check.ts';
import { CONFIG_CHECKS } from './config.ts';
import { CATALOG_CHECKS } from './config-catalog.ts';
import { PROVIDER_CHECKS } from './config-provider.ts';
import { createDoctorContext, type DoctorOptions } from './context.ts';
import { ENVIRONMENT_CHECKS } from './environment.ts';
import { doctorReport, formatJson, formatTable } from './report.ts';
import { RULES_CHECKS } from './rules.ts';
import { TOPOLOGY_CHECKS } from './topology.ts';

export const DOCTOR_CHECKS: readonly Check[] = [
  ...ENVIRONMENT_CHECKS,
  ...CONFIG_CHECKS,
  ...PROVIDER_CHECKS,
  ...CATALOG_CHECKS,
  ...AGENT_CHECKS,
  ...AGREEMENT_CHECKS,
  ...RULES_CHECKS,
  ...BRIDGE_CHECKS,
  ...TOPOLOGY_CHECKS,
];

const USAGE = `Usage: codex-oss doctor [--json] [--live] [--port N]

Checks this project's codex-oss setup — environment, Codex config, agents, AGENTS.md, rules, the bridge and the
topology — and prints PASS, WARN or FAIL for each, with a one-line fix for anything that is not PASS.
Exits 1 when any check FAILs.

  --json      print one JSON document instead of the table
  --live      also run the real Codex (\`codex exec\`, up to 3 minutes) to spawn the oss-kimi-rapid agent, and
              prove from the bridge's /metrics that its requests reached the bridge with the agent's model
  --port N    the bridge port to check (default: the running bridge's, else the provider's base_url, else 4000)

Costs: when the bridge runs, doctor sends it one tiny real request ("Reply with the word OK" to
ocg-deepseek-v4-flash), which spends a few OpenCode Go tokens; --live spends a few more (a parent turn on
ocg-deepseek-v4-flash and the spawned agent's on Kimi K2.6). No GPT tokens are spent.
Doctor runs the provider's auth command to read the bridge token, and runs Codex with a throwaway CODEX_HOME
holding copies of your config files, so your own CODEX_HOME is never written (only \`codex login status\` reads it,
to see whether your sign-in can be forwarded). Keys are never printed.`;

function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
    throw new UsageError(`--port must be a TCP port between 1 and 65535 (got '${raw}')`);
  }
  return port;
}

export function parseDoctorArgs(args: readonly string[]): DoctorOptions {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { json: { type: 'boolean' }, live: { type: 'boolean' }, port: { type: 'string' } },
    });
    return { json: values.json === true, live: values.live === true, port: parsePort(values.port) };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Check the whole setup: PASS/WARN/FAIL per invariant with a fix (--json, --live)',
  usage: USAGE,
  async run(args, cli) {
    const options = parseDoctorArgs(args);
    const context = createDoctorContext(realpathSync(cli.cwd), cli.env, options);
    const results = await Promise.all(DOCTOR_CHECKS.map((check) => runCheck(check, context)));
    const report = doctorReport(context.paths.root, context.topology, results);
    cli.stdout(options.json ? formatJson(report) : formatTable(report));
    return report.ok ? 0 : 1;
  },
};
