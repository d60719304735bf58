/**
 * `codex-oss status [--json]`: is this project's bridge running, and how is it doing (from its GET /health).
 * Exits 1 when it is not running or does not answer, so scripts can use it as a check.
 */
import { parseArgs } from 'node:util';
import { type CliContext, type Command, UsageError } from '../command.ts';
import { projectPaths } from '../project.ts';
import { fetchHealth } from './bridge-health.ts';
import { describeForeign, findBridgeProcess } from './bridge-process.ts';
import { type BridgeStatus, runningStatus } from './status-report.ts';
import { statusTable } from './status-table.ts';

const USAGE = `Usage: codex-oss status [--json]

Shows this project's bridge: version, mode, uptime, per-model health and circuit breaker, concurrency in use,
and usage in the current 5-hour window next to the limits. Exits 1 when the bridge is not running.

  --json    print a JSON document instead of a table`;

function wantsJson(args: readonly string[]): boolean {
  try {
    return parseArgs({ args: [...args], options: { json: { type: 'boolean' } } }).values.json === true;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** This project's bridge as its pid file names it, verified with GET /health (also used by doctor). */
export async function currentStatus(pidFile: string): Promise<BridgeStatus> {
  const found = await findBridgeProcess(pidFile);
  switch (found.state) {
    case 'none':
      return {
        running: false,
        reason: 'not running (no pid file); start it with `codex-oss start --detach`',
      };
    case 'stale':
      return { running: false, reason: `not running: pid ${found.record.pid} has exited (stale pid file)` };
    case 'foreign':
      return { running: false, reason: `not running: ${describeForeign(found)}` };
    case 'running': {
      const health = await fetchHealth(found.record.url);
      if (health instanceof Error) {
        return {
          running: false,
          reason: `pid ${found.record.pid} is alive but unhealthy: ${health.message}`,
        };
      }
      if (health.instance_id !== found.record.instance_id) {
        return {
          running: false,
          reason: `${found.record.url} is answered by a different bridge (instance ${health.instance_id})`,
        };
      }
      return runningStatus(found.record, health);
    }
    default:
      return found satisfies never;
  }
}

async function status(args: readonly string[], context: CliContext): Promise<number> {
  const json = wantsJson(args);
  const report = await currentStatus(projectPaths(context.cwd).pidFile);
  if (json) context.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (report.running) context.stdout(statusTable(report));
  else context.stdout(`opencode-bridge: ${report.reason}\n`);
  return report.running ? 0 : 1;
}

export const statusCommand: Command = {
  name: 'status',
  summary: "Show this project's bridge: health, breakers, concurrency, 5-hour usage (--json)",
  usage: USAGE,
  run: status,
};
