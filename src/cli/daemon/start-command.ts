/**
 * `codex-oss start`: runs the bridge for this project, in the foreground or (--detach) in the background, with
 * project-local state, log and pid file. Refuses when this project's bridge already runs or the port is taken.
 */

import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CliContext, type Command, UsageError } from '../command.ts';
import { describeCredential } from '../gpt-credential.ts';
import { projectPaths } from '../project.ts';
import { bridgeEnvironment } from './bridge-environment.ts';
import { describeForeign, findBridgeProcess } from './bridge-process.ts';
import { DEFAULT_DRAIN_SECONDS } from './bridge-run-args.ts';
import { gptCredentialAtStart } from './gpt-check.ts';
import type { Launch } from './launch.ts';
import type { StartMode } from './pid-file.ts';
import { portProblem } from './port-probe.ts';
import { startDetached } from './start-detached.ts';
import { startForeground } from './start-foreground.ts';
import { isStartMode, START_MODES } from './start-mode.ts';

const DEFAULT_WAIT_SECONDS = 30;

const USAGE = `Usage: codex-oss start [--mode production|compat-test|openai] [--detach] [--port N]
                       [--drain-seconds N] [--wait-seconds N]

Runs opencode-bridge for this project: state in .codex-oss/state, pid file in .codex-oss/run/bridge.pid,
and (with --detach) its log in .codex-oss/logs/bridge.log.

  --mode MODE          ${(Object.keys(START_MODES) as StartMode[]).map((mode) => `\n    ${mode.padEnd(12)} ${START_MODES[mode].summary}`).join('')}
                       (default: production)
  --detach             run in the background; returns once /health answers
  --port N             listen port (default: PROXY_PORT, else 4000)
  --drain-seconds N    on stop, how long in-flight streams may finish (default ${DEFAULT_DRAIN_SECONDS})
  --wait-seconds N     with --detach, how long to wait for /health (default ${DEFAULT_WAIT_SECONDS})

The OpenCode Go key comes from OPENCODE_GO_API_KEY or .codex-oss/env/opencode-go.env (KEY=value, chmod 600).`;

interface StartArgs {
  mode: StartMode;
  detach: boolean;
  port: number | undefined;
  drainSeconds: number;
  waitSeconds: number;
}

function seconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a number of seconds`);
  return value;
}

function parseStartArgs(args: readonly string[]): StartArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      options: {
        mode: { type: 'string' },
        detach: { type: 'boolean' },
        port: { type: 'string' },
        'drain-seconds': { type: 'string' },
        'wait-seconds': { type: 'string' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const mode = (values.mode as string | undefined) ?? 'production';
  if (!isStartMode(mode)) throw new UsageError(`unknown mode '${mode}'`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new UsageError('--port must be a port number between 1 and 65535');
  }
  return {
    mode,
    detach: values.detach === true,
    port,
    drainSeconds: seconds(
      'drain-seconds',
      values['drain-seconds'] as string | undefined,
      DEFAULT_DRAIN_SECONDS,
    ),
    waitSeconds: seconds('wait-seconds', values['wait-seconds'] as string | undefined, DEFAULT_WAIT_SECONDS),
  };
}

/** Throws when this project's bridge already runs; clears a pid file left by one that is gone. */
async function refuseSecondBridge(pidFile: string, context: CliContext): Promise<void> {
  const found = await findBridgeProcess(pidFile);
  if (found.state === 'running') {
    throw new Error(
      `this project's bridge is already running (pid ${found.record.pid}, ${found.record.url}/v1). ` +
        'Stop it first with `codex-oss stop`, or check it with `codex-oss status`.',
    );
  }
  if (found.state === 'stale' || found.state === 'foreign') {
    const why =
      found.state === 'stale' ? `pid ${found.record.pid} is no longer running` : describeForeign(found);
    context.stderr(`codex-oss start: removing the stale pid file (${why}).\n`);
    rmSync(pidFile, { force: true });
  }
}

export const startCommand: Command = {
  name: 'start',
  summary: 'Run the bridge for this project (foreground, or --detach)',
  usage: USAGE,
  async run(args, context) {
    const options = parseStartArgs(args);
    const paths = projectPaths(context.cwd);
    await refuseSecondBridge(paths.pidFile, context);
    const prepared = bridgeEnvironment({
      mode: options.mode,
      port: options.port,
      detached: options.detach,
      env: context.env,
      paths,
    });
    for (const warning of prepared.warnings) context.stderr(`codex-oss start: warning: ${warning}\n`);
    const gpt =
      options.mode === 'openai' ? await gptCredentialAtStart(paths, context.env, prepared.env) : undefined;
    if (gpt?.kind === 'none') {
      context.stderr(
        `codex-oss start: warning: GPT requests have no OpenAI credential: ${gpt.why}. Fix: ${gpt.fix}. ` +
          'Until then each GPT request is answered with that error (open models work).\n',
      );
    }
    const { host, port } = prepared.config.server;
    const taken = await portProblem(host, port);
    if (taken) throw new Error(taken);
    const launch: Launch = {
      paths,
      mode: options.mode,
      env: prepared.env,
      config: prepared.config,
      drainSeconds: options.drainSeconds,
      waitSeconds: options.waitSeconds,
      ...(gpt
        ? { gpt: gpt.kind === 'none' ? 'no credential (see the warning above)' : describeCredential(gpt) }
        : {}),
    };
    return options.detach ? startDetached(launch, context) : startForeground(launch, context);
  },
};
