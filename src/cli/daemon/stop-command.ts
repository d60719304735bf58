/**
 * `codex-oss stop`: gracefully stops the bridge this project's pid file names — only after verifying it is the
 * bridge `start` launched, never whatever listens on the port.
 */
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CliContext, type Command, UsageError } from '../command.ts';
import { projectPaths } from '../project.ts';
import { describeForeign, findBridgeProcess } from './bridge-process.ts';
import { removePidFile } from './pid-file.ts';
import { KILL_GRACE_SECONDS, type StopOutcome, stopBridgeProcess } from './stop-bridge.ts';

const USAGE = `Usage: codex-oss stop [--timeout SECONDS]

Stops this project's bridge (named by .codex-oss/run/bridge.pid): SIGTERM lets in-flight streams finish up to
the drain deadline it was started with (start --drain-seconds), then it exits. If it is still running
${KILL_GRACE_SECONDS} s after that deadline it is killed (SIGKILL).

  --timeout SECONDS    kill it after this long instead`;

function parseTimeout(args: readonly string[]): number | undefined {
  let raw: string | undefined;
  try {
    raw = parseArgs({ args: [...args], options: { timeout: { type: 'string' } } }).values.timeout;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError('--timeout must be a number of seconds');
  return seconds;
}

function outcomeMessage(outcome: StopOutcome, pid: number): string {
  switch (outcome.kind) {
    case 'stopped':
      return `Stopped the bridge (pid ${pid}) in ${(outcome.afterMs / 1000).toFixed(1)} s.\n`;
    case 'killed':
      return `The bridge (pid ${pid}) did not exit after SIGTERM; killed it (SIGKILL). In-flight streams were cut off.\n`;
    case 'still-running':
      return '';
    default:
      return outcome satisfies never;
  }
}

async function stop(args: readonly string[], context: CliContext): Promise<number> {
  const timeout = parseTimeout(args);
  const { pidFile } = projectPaths(context.cwd);
  const found = await findBridgeProcess(pidFile);
  switch (found.state) {
    case 'none':
      context.stdout(`No bridge is running for this project (no pid file at ${pidFile}).\n`);
      return 0;
    case 'stale':
      rmSync(pidFile, { force: true });
      context.stdout(
        `No bridge is running: pid ${found.record.pid} has already exited. Removed the stale pid file.\n`,
      );
      return 0;
    case 'foreign':
      rmSync(pidFile, { force: true });
      context.stderr(
        `codex-oss stop: refusing to signal it: ${describeForeign(found)}. Nothing was stopped; ` +
          'removed the stale pid file.\n',
      );
      return 1;
    case 'running': {
      const { record } = found;
      context.stdout(
        `Stopping the bridge (pid ${record.pid}); in-flight streams may take a moment to finish…\n`,
      );
      const outcome = await stopBridgeProcess(record, timeout);
      if (outcome.kind === 'still-running') {
        throw new Error(`pid ${record.pid} survived SIGKILL; check it with \`ps -p ${record.pid}\`.`);
      }
      removePidFile(pidFile, record.instance_id);
      context.stdout(outcomeMessage(outcome, record.pid));
      return 0;
    }
    default:
      return found satisfies never;
  }
}

export const stopCommand: Command = {
  name: 'stop',
  summary: "Stop this project's bridge gracefully (drains in-flight streams)",
  usage: USAGE,
  run: stop,
};
