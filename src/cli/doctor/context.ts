/**
 * Everything the checks look at, gathered once: the project and user paths, the parsed Codex config files, and
 * lazily (each at most once, however many checks ask) the installed Codex, the running bridge, the key Codex
 * sends, the key the bridge accepts and the inference round trip.
 */
import path from 'node:path';
import { startCommand } from '../../fixes.ts';
import { LOCAL_TOKEN_FILE } from '../../state/secrets.ts';
import { DEFAULT_PORT } from '../daemon/bridge-environment.ts';
import type { HealthReport } from '../daemon/bridge-health.ts';
import { fetchHealth } from '../daemon/bridge-health.ts';
import { type EnvFile, readEnvFile } from '../daemon/env-file.ts';
import { type PidRecord, readPidFile } from '../daemon/pid-file.ts';
import { currentStatus } from '../daemon/status-command.ts';
import { type CodexSignIn, codexSignIn } from '../gpt-credential.ts';
import {
  type CodexRunOptions,
  type CodexRunResult,
  codexVersionOutput,
  findCodex,
  runCodexCommand,
} from '../install/codex-cli.ts';
import type { Topology } from '../install/options.ts';
import { parseCodexVersion } from '../install/topology.ts';
import { type ProjectPaths, projectPaths, type UserPaths, userPaths } from '../project.ts';
import {
  bridgeAcceptsKey,
  type CodexToken,
  codexToken,
  expectedBridgeKeys,
  type KeyCandidate,
} from './bridge-auth.ts';
import { inferenceRoundTrip, type RoundTrip } from './bridge-probes.ts';
import {
  type CodexConfigFiles,
  effectiveProvider,
  installedTopology,
  loadConfigFiles,
} from './config-files.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface DoctorOptions {
  json: boolean;
  live: boolean;
  /** The bridge port to check; default: the running bridge's, else the provider's base_url, else 4000. */
  port: number | undefined;
}

export interface CodexInstall {
  path: string;
  version: string | undefined;
}

export type BridgeState =
  | { running: false; reason: string }
  | { running: true; record: PidRecord; health: HealthReport };

export interface DoctorContext {
  paths: ProjectPaths;
  user: UserPaths;
  env: Env;
  options: DoctorOptions;
  files: CodexConfigFiles;
  topology: Topology | undefined;
  envFile: EnvFile | Error;
  /** The bridge's generated token (used when no PROXY_API_KEY is set). */
  tokenFile: string;
  /** The keys a bridge started here would accept, in the order it picks them. */
  expectedKeys(): KeyCandidate[];
  codex(): Promise<CodexInstall | undefined>;
  bridge(): Promise<BridgeState>;
  port(): Promise<number>;
  /** What `codex login status` says about the user's own CODEX_HOME (read only). */
  codexSignIn(): Promise<CodexSignIn>;
  /** The key Codex sends; undefined when no provider is defined where Codex reads it. */
  codexToken(): Promise<CodexToken | undefined>;
  /** A key the running bridge accepts (Codex's first); undefined when it is down or accepts none we know. */
  bridgeKey(): Promise<KeyCandidate | undefined>;
  /** undefined when the bridge is down or no key is accepted. */
  roundTrip(): Promise<RoundTrip | undefined>;
  /** Runs the installed Codex in the project, with a throwaway CODEX_HOME holding copies of the user's config. */
  runCodex(codex: string, args: readonly string[], options?: CodexRunOptions): Promise<CodexRunResult>;
  /** The exact command that starts this project's bridge for the installed topology (on `port`, default the checked one). */
  startCommand(port?: number): Promise<string>;
}

/** The throwaway CODEX_HOME runCodexCommand makes (codex-oss-probe-XXXXXX under the temporary directory). */
const PROBE_HOME = /\S*codex-oss-probe-[A-Za-z0-9]+/g;

function once<T>(compute: () => T): () => T {
  let cached: { value: T } | undefined;
  return () => {
    cached ??= { value: compute() };
    return cached.value;
  };
}

async function bridgeState(pidFile: string): Promise<BridgeState> {
  let record: PidRecord | undefined;
  try {
    const status = await currentStatus(pidFile);
    if (!status.running) return { running: false, reason: status.reason };
    record = readPidFile(pidFile);
  } catch (error) {
    return { running: false, reason: (error as Error).message };
  }
  if (!record) return { running: false, reason: 'the pid file disappeared while doctor was reading it' };
  const health = await fetchHealth(record.url);
  if (health instanceof Error) return { running: false, reason: health.message };
  return { running: true, record, health };
}

function basePort(files: CodexConfigFiles): number | undefined {
  const baseUrl = effectiveProvider(files)?.table.base_url;
  if (typeof baseUrl !== 'string') return undefined;
  try {
    const port = Number(new URL(baseUrl).port);
    return port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

function readEnvFileSafely(file: string): EnvFile | Error {
  try {
    return readEnvFile(file);
  } catch (error) {
    return error as Error;
  }
}

/** Copies of the user's config files, for a throwaway CODEX_HOME: Codex sees the user's setup but writes nothing there. */
function homeFiles(files: CodexConfigFiles): Record<string, string> {
  const copies: Record<string, string> = {};
  for (const doc of [files.user, files.profile]) {
    if (doc.text !== undefined) copies[path.basename(doc.file)] = doc.text;
  }
  return copies;
}

export function createDoctorContext(root: string, env: Env, options: DoctorOptions): DoctorContext {
  const paths = projectPaths(root);
  const user = userPaths(env);
  const files = loadConfigFiles(paths, user);
  const envFile = readEnvFileSafely(paths.envFile);
  const envFileValues = envFile instanceof Error ? {} : envFile.values;
  const topology = installedTopology(files);
  const tokenFile = path.join(paths.stateDir, LOCAL_TOKEN_FILE);
  const expectedKeys = () =>
    expectedBridgeKeys(env, { file: paths.envFile, values: envFileValues }, tokenFile);

  const bridge = once(() => bridgeState(paths.pidFile));
  const port = once(async () => {
    const state = await bridge();
    const configured = Number(env.PROXY_PORT ?? envFileValues.PROXY_PORT) || undefined;
    return (
      options.port ??
      (state.running ? state.record.port : undefined) ??
      basePort(files) ??
      configured ??
      DEFAULT_PORT
    );
  });
  const token = once(async () => {
    const provider = effectiveProvider(files);
    return provider ? codexToken(provider.table, root, env) : undefined;
  });
  const bridgeKey = once(async () => {
    const state = await bridge();
    if (!state.running) return undefined;
    const fromCodex = (await token())?.token;
    const candidates = [
      ...(fromCodex ? [{ key: fromCodex, source: 'the key Codex sends' }] : []),
      ...expectedKeys(),
    ];
    for (const candidate of candidates) {
      if (await bridgeAcceptsKey(state.record.url, candidate.key)) return candidate;
    }
    return undefined;
  });

  return {
    paths,
    user,
    env,
    options,
    files,
    topology,
    envFile,
    tokenFile,
    expectedKeys,
    codex: once(async () => {
      const codex = findCodex(env, root);
      if (!codex) return undefined;
      const output = await codexVersionOutput(codex, env);
      return { path: codex, version: output ? parseCodexVersion(output) : undefined };
    }),
    bridge,
    port,
    codexSignIn: once(async () => codexSignIn(findCodex(env, root), env)),
    codexToken: token,
    bridgeKey,
    roundTrip: once(async () => {
      const [state, key] = [await bridge(), await bridgeKey()];
      return state.running && key ? inferenceRoundTrip(state.record.url, key.key) : undefined;
    }),
    runCodex: async (codex, args, runOptions = {}) => {
      const run = await runCodexCommand(codex, args, env, {
        cwd: root,
        homeFiles: homeFiles(files),
        ...runOptions,
      });
      // Codex names files in the throwaway home; the user knows them in their own CODEX_HOME.
      return { ...run, stderr: run.stderr.replace(PROBE_HOME, user.codexHome) };
    },
    startCommand: async (otherPort?: number) => {
      const mode = topology === 'subagent-provider' ? 'production' : 'openai';
      const chosen = otherPort ?? (await port());
      return startCommand(mode, chosen);
    },
  };
}
