/**
 * bridge: this project's bridge runs (its pid file and GET /health agree), nothing else holds its port, it treats
 * GPT requests as the topology needs, a real OSS inference goes through it (a few upstream tokens), OpenCode Go
 * accepts its key, and its state database survives a reboot.
 */
import { realpathSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  readLogFix,
  restartCommand as restartWith,
  statusAndLogFix,
  upstreamKeyFix,
  WAIT_FOR_LIMIT_RESET,
} from '../../fixes.ts';
import { VERSION } from '../../version.ts';
import { portProblem } from '../daemon/port-probe.ts';
import { startModeOfStrategy } from '../daemon/start-mode.ts';
import { formatUptime } from '../daemon/status-table.ts';
import { describeCredential, resolveGptCredential } from '../gpt-credential.ts';
import { ROUND_TRIP_MODEL, type RoundTrip } from './bridge-probes.ts';
import { type Check, checkWith, fail, notChecked, type Outcome, pass, warn } from './check.ts';
import { effectiveProvider, layeredValue } from './config-files.ts';
import type { BridgeState, DoctorContext } from './context.ts';
import { describeHolder, findPortHolder } from './port-holder.ts';

type RunningBridge = Extract<BridgeState, { running: true }>;

/** A check that needs the running bridge; "not checked" while it is down (bridge-running says why). */
function runningBridgeCheck(
  id: string,
  title: string,
  judge: (bridge: RunningBridge, context: DoctorContext) => Promise<Outcome> | Outcome,
): Check {
  return checkWith<RunningBridge>(
    { id, group: 'bridge', title },
    async (context) => {
      const state = await context.bridge();
      if (state.running) return { met: true, value: state };
      return { met: false, outcome: notChecked('the bridge is not running', await context.startCommand()) };
    },
    judge,
  );
}

async function restartCommand(context: DoctorContext): Promise<string> {
  return restartWith(await context.startCommand());
}

const running: Check = {
  id: 'bridge-running',
  group: 'bridge',
  title: 'Bridge running',
  async run(context) {
    const state = await context.bridge();
    if (!state.running)
      return fail(state.reason.replace(/; start it with .*$/, ''), await context.startCommand());
    const { record, health } = state;
    const found = `pid ${record.pid} at ${record.url}/v1, version ${health.version}, mode ${runningMode(state)}, up ${formatUptime(health.uptime_seconds)}`;
    if (health.version !== VERSION) {
      return warn(`${found}; this codex-oss is ${VERSION}`, await restartCommand(context));
    }
    return pass(found);
  },
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const port: Check = {
  id: 'bridge-port',
  group: 'bridge',
  title: 'Port free for the bridge',
  async run(context) {
    const [chosen, state] = [await context.port(), await context.bridge()];
    if (state.running && state.record.port === chosen)
      return pass(`${chosen}, held by this project's bridge`);
    const problem = await portProblem('127.0.0.1', chosen);
    if (!problem) return pass(`${chosen} is free`);
    const holder = findPortHolder(chosen);
    const other = await freePort();
    const move = `codex-oss install --port ${other} && ${await context.startCommand(other)}`;
    const firstSentence = problem.split('. ')[0] ?? problem;
    if (!holder)
      return fail(firstSentence, `find it with \`lsof -i :${chosen}\` and stop it, or move: ${move}`);
    return fail(
      `${firstSentence}: ${describeHolder(holder)}`,
      `stop it (\`kill ${holder.pid}\`), or move: ${move}`,
    );
  },
};

/** The `codex-oss start` mode the running bridge is in, named as `start` and `status` name it. */
function runningMode({ health, record }: RunningBridge): string {
  return startModeOfStrategy(health.gpt_model_strategy) ?? record.mode;
}

/** The main session's model in the profile (or user config), when it is an open model the bridge serves. */
function ossMainModel(context: DoctorContext): string | undefined {
  const model = layeredValue(context.files, 'model')?.value;
  return typeof model === 'string' && /^(ocg-|opencode-go\/)/.test(model) ? model : undefined;
}

const gptStrategy = runningBridgeCheck(
  'gpt-strategy',
  'GPT requests fit topology',
  async (bridge, context) => {
    const mode = runningMode(bridge);
    if (context.topology !== 'router') {
      return pass(`${mode} mode: the main session does not go through the bridge`);
    }
    const toOpenAI = `codex-oss stop && ${await context.startCommand()}`;
    switch (bridge.health.gpt_model_strategy) {
      case 'openai':
        return pass('openai mode: GPT requests pass through to OpenAI');
      case 'oss':
        return warn(
          'compat-test mode: GPT requests are answered by an open model (for trying the setup out; no GPT is used)',
          `for a GPT main session: ${toOpenAI}`,
        );
      default: {
        const main = ossMainModel(context);
        if (main) return pass(`production mode: the main session uses ${main}, an open model`);
        return warn(
          'production mode: GPT requests are refused, so the main session must use an open model ' +
            '(`codex --profile codex-oss -m ocg-deepseek-v4-pro`)',
          `for a GPT main session: ${toOpenAI}`,
        );
      }
    }
  },
);

/** Where the bridge gets OPENAI_API_KEY: the running bridge's start, else what a start from here would find. */
function openaiKeyWhere(state: BridgeState, context: DoctorContext): string | undefined {
  if (state.running && state.record.openai_api_key !== undefined) {
    return state.record.openai_api_key ? "the running bridge's environment" : undefined;
  }
  if (context.env.OPENAI_API_KEY?.trim()) return 'the environment';
  const file = context.envFile instanceof Error ? undefined : context.envFile.values.OPENAI_API_KEY;
  return file?.trim() ? context.paths.envFile : undefined;
}

const gptCredential: Check = {
  id: 'gpt-credential',
  group: 'bridge',
  title: 'GPT requests have a credential',
  async run(context) {
    if (context.topology !== 'router')
      return pass('not needed: the main session does not go through the bridge');
    const state = await context.bridge();
    if (state.running && state.health.gpt_model_strategy !== 'openai') {
      return pass(`not needed in ${runningMode(state)} mode: GPT requests do not go to OpenAI`);
    }
    const forwardsSignIn = effectiveProvider(context.files)?.table.requires_openai_auth === true;
    const signIn = forwardsSignIn
      ? await context.codexSignIn()
      : ({ state: 'unknown', why: 'not asked: the profile does not forward it' } as const);
    const credential = resolveGptCredential({
      forwardsSignIn,
      signIn,
      openaiApiKey: openaiKeyWhere(state, context),
    });
    if (credential.kind !== 'none') return pass(describeCredential(credential));
    // A GPT request would be answered with HTTP 400 openai_credentials_missing, which Codex shows as the error.
    return fail(`${credential.why}: every GPT request fails`, credential.fix);
  },
};

async function roundTripFix(trip: RoundTrip, context: DoctorContext, logFile: string): Promise<string> {
  switch (trip.errorCode) {
    case 'upstream_authentication_failed':
      return `${keyFix(context)}: ${await restartCommand(context)}`;
    case 'timeout':
    case 'unreachable':
      return statusAndLogFix(logFile);
    default:
      return readLogFix(logFile);
  }
}

const RATE_LIMITED = new Set(['rate_limit_exceeded', 'insufficient_quota']);
/** The model answered (so the upstream took the key), but not with an answer that proves the path. */
const BAD_ANSWER = new Set(['empty_answer', 'undeclared_tool_call']);

const roundTrip = runningBridgeCheck(
  'round-trip',
  'OSS inference round trip',
  async ({ record }, context) => {
    const trip = await context.roundTrip();
    if (!trip) {
      return notChecked(
        "the bridge accepts none of the keys doctor knows (Codex's, PROXY_API_KEY, the token file)",
        'export PROXY_API_KEY=<the key the bridge was started with> and run doctor again',
      );
    }
    if (trip.ok) {
      return pass(
        `${ROUND_TRIP_MODEL} answered "${(trip.text ?? '').slice(0, 40)}" in ${trip.latencyMs} ms (model ${trip.answeredBy})`,
      );
    }
    const detail = `${ROUND_TRIP_MODEL} failed after ${trip.latencyMs} ms: ${trip.errorCode}: ${trip.errorMessage}`;
    if (RATE_LIMITED.has(trip.errorCode ?? ''))
      return warn(detail, `${WAIT_FOR_LIMIT_RESET}, then run doctor again`);
    return fail(detail, await roundTripFix(trip, context, record.log_file ?? context.paths.logFile));
  },
);

function keyFix(context: DoctorContext): string {
  return upstreamKeyFix(context.paths.envFile);
}

const upstreamKey = runningBridgeCheck(
  'upstream-key',
  'OpenCode Go accepts the key',
  async ({ health }, context) => {
    const upstream = health.upstream as { key_configured?: boolean; base_url?: string } | undefined;
    if (upstream?.key_configured === false) {
      return fail(
        'the running bridge has no OpenCode Go key',
        `${keyFix(context)}: ${await restartCommand(context)}`,
      );
    }
    const trip = await context.roundTrip();
    if (!trip) return notChecked('no round trip (see above)', 'fix the round trip, then run doctor again');
    if (trip.ok || RATE_LIMITED.has(trip.errorCode ?? '') || BAD_ANSWER.has(trip.errorCode ?? ''))
      return pass(`${upstream?.base_url ?? 'the upstream'} accepted it`);
    if (trip.errorCode === 'upstream_authentication_failed') {
      return fail(
        `${upstream?.base_url ?? 'the upstream'} rejects the bridge's key`,
        `${keyFix(context)}: ${await restartCommand(context)}`,
      );
    }
    return notChecked(
      `the round trip failed with ${trip.errorCode}`,
      'fix the round trip, then run doctor again',
    );
  },
);

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** The same file, even when one path goes through a symlink (e.g. a project opened via a linked directory). */
function sameFile(a: string, b: string): boolean {
  return a === b || realpathOrSelf(a) === realpathOrSelf(b);
}

function temporaryDirs(): string[] {
  const dirs = new Set<string>();
  for (const dir of ['/tmp', '/var/tmp', '/dev/shm', tmpdir()]) {
    dirs.add(dir);
    dirs.add(realpathOrSelf(dir));
  }
  return [...dirs];
}

const stateDb: Check = {
  id: 'state-db',
  group: 'bridge',
  title: 'State database persistent',
  async run(context) {
    const state = await context.bridge();
    const reported = state.running
      ? (state.health.state as { db_path?: string } | undefined)?.db_path
      : undefined;
    const db = reported ?? context.paths.stateDb;
    const projectLocal = sameFile(db, context.paths.stateDb);
    const whose = reported ? "the running bridge's" : 'where `codex-oss start` keeps it';
    const temporary = temporaryDirs().find((dir) => db.startsWith(`${dir}${path.sep}`));
    if (!temporary) return pass(`${db} (${whose})`);
    const fix = projectLocal
      ? `keep the project outside ${temporary} (codex-oss start keeps state in <project>/.codex-oss/state/)`
      : `restart it with \`${await context.startCommand()}\`, which keeps state in ${context.paths.stateDir}`;
    return warn(
      `${db} (${whose}) is under ${temporary}, which a reboot may wipe: replayed reasoning would be lost`,
      fix,
    );
  },
};

export const BRIDGE_CHECKS: readonly Check[] = [
  running,
  port,
  gptStrategy,
  gptCredential,
  roundTrip,
  upstreamKey,
  stateDb,
];
