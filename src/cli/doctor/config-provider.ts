/**
 * config, the provider table itself: Responses wire API, a base_url on the bridge's port, auth that yields the
 * key the bridge accepts, and an idle timeout long enough for thinking models.
 */
import { bridgeBaseUrl, STREAM_IDLE_TIMEOUT_MS } from '../install/provider-table.ts';
import { PROVIDER_ID } from '../project.ts';
import type { TomlTable } from '../toml/parse-toml.ts';
import type { CodexToken, KeyCandidate } from './bridge-auth.ts';
import { type Check, checkWith, fail, notChecked, type Outcome, pass, warn } from './check.ts';
import { effectiveProvider, type TomlDoc } from './config-files.ts';
import type { DoctorContext } from './context.ts';

/** Below this Codex may give up on a thinking model between heartbeats of a slow bridge. */
export const MIN_STREAM_IDLE_TIMEOUT_MS = 300_000;
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

type ProviderCheck = (
  provider: { table: TomlTable; doc: TomlDoc },
  context: DoctorContext,
) => Promise<Outcome> | Outcome;

/** A check of the provider table Codex uses; "not checked" when there is none (provider-location says why). */
function providerCheck(id: string, title: string, judge: ProviderCheck): Check {
  return checkWith(
    { id, group: 'config', title },
    ({ files }) => {
      const provider = effectiveProvider(files);
      return provider
        ? { met: true, value: provider }
        : { met: false, outcome: notChecked('no provider where Codex reads it', 'codex-oss install') };
    },
    judge,
  );
}

const setting = (key: string, value: string, file: string) =>
  `set ${key} = ${value} under [model_providers.${PROVIDER_ID}] in ${file} (or run \`codex-oss install\`, which resets it)`;

const wireApi = providerCheck('wire-api', 'wire_api = "responses"', ({ table, doc }) => {
  if (table.wire_api === 'responses') return pass(`wire_api = "responses" in ${doc.file}`);
  // Observed with Codex 0.169: a provider without wire_api calls POST {base_url}/responses.
  if (table.wire_api === undefined) return pass(`not set in ${doc.file}: Codex's default, responses`);
  return fail(
    `wire_api = ${JSON.stringify(table.wire_api)} in ${doc.file}: the bridge serves only the Responses API (Codex 0.169 rejects "chat" at load)`,
    setting('wire_api', '"responses"', doc.file),
  );
});

function pointsAt(baseUrl: string, port: number): boolean {
  try {
    const url = new URL(baseUrl);
    return (
      url.protocol === 'http:' &&
      LOOPBACK_HOSTS.includes(url.hostname) &&
      Number(url.port) === port &&
      url.pathname.replace(/\/$/, '') === '/v1'
    );
  } catch {
    return false;
  }
}

const baseUrl = providerCheck(
  'base-url',
  'base_url points at the bridge',
  async ({ table, doc }, context) => {
    const port = await context.port();
    const current = String(table.base_url ?? '(not set)');
    if (typeof table.base_url === 'string' && pointsAt(table.base_url, port)) {
      return pass(`${current} (the bridge's port is ${port})`);
    }
    return fail(
      `base_url is ${current} in ${doc.file}, but the bridge is at ${bridgeBaseUrl(port)}`,
      `codex-oss install --port ${port}`,
    );
  },
);

/** How to make Codex send the key the bridge accepts (`accepted`: the bridge's key, when known). */
async function keyFix(
  token: CodexToken,
  accepted: KeyCandidate | undefined,
  context: DoctorContext,
): Promise<string> {
  const { tokenFile } = context;
  const variable = accepted?.variable;
  if (token.kind === 'env_key') {
    const value = variable ? `$${variable}` : `$(cat '${accepted?.source ?? tokenFile}')`;
    return `export ${token.source.slice(1)}="${value}"`;
  }
  if (variable) {
    const drop = accepted?.envFile
      ? `delete the ${variable} line from ${accepted.envFile}`
      : `unset ${variable}`;
    return `${drop} so the bridge uses ${tokenFile} (whose token Codex sends), then: codex-oss stop && ${await context.startCommand()}`;
  }
  return token.kind === 'header'
    ? `codex-oss install (it writes the token from ${tokenFile} into the profile)`
    : `codex-oss install (its auth command then reads ${tokenFile})`;
}

type WithToken = CodexToken & { token: string };

async function liveAuth(token: WithToken, context: DoctorContext): Promise<Outcome> {
  const accepted = await context.bridgeKey();
  if (accepted?.key === token.token) {
    return pass(`Codex sends the key from ${token.source}, and the running bridge accepts it`);
  }
  return fail(
    `the running bridge rejects the key Codex takes from ${token.source} (HTTP 401)`,
    await keyFix(token, accepted, context),
  );
}

async function offlineAuth(token: WithToken, context: DoctorContext): Promise<Outcome> {
  const [expected] = context.expectedKeys();
  if (!expected) {
    return notChecked('the bridge has not created its token yet', await context.startCommand());
  }
  if (expected.key === token.token) {
    return pass(
      `Codex sends the key from ${token.source}, the bridge's (${expected.source}); bridge not running`,
    );
  }
  return fail(
    `the key Codex takes from ${token.source} is not the bridge's (${expected.source})`,
    await keyFix(token, expected, context),
  );
}

/** The auth command reads the token file, which is missing: the bridge never started, or runs with a key variable. */
async function missingTokenFile(source: string, running: boolean, context: DoctorContext): Promise<Outcome> {
  const missing = `Codex runs ${source}, but ${context.tokenFile} does not exist`;
  if (!running)
    return notChecked(`${missing} yet (the bridge creates it on first start)`, await context.startCommand());
  return fail(
    `${missing}: the running bridge uses PROXY_API_KEY or LITELLM_MASTER_KEY instead`,
    `unset PROXY_API_KEY LITELLM_MASTER_KEY (and drop them from ${context.paths.envFile}), then: codex-oss stop && ${await context.startCommand()}`,
  );
}

const auth = providerCheck('auth', "Auth yields the bridge's key", async (_provider, context) => {
  const token = await context.codexToken();
  const state = await context.bridge();
  if (!token?.token) {
    const problem = token?.problem ?? 'Codex sends no key';
    if (token?.kind === 'command' && problem.includes(context.tokenFile)) {
      return missingTokenFile(token.source, state.running, context);
    }
    return fail(
      problem,
      token?.kind === 'env_key' ? await keyFix(token, undefined, context) : 'codex-oss install',
    );
  }
  const withToken = token as WithToken;
  return state.running ? liveAuth(withToken, context) : offlineAuth(withToken, context);
});

const idleTimeout = providerCheck('idle-timeout', 'stream_idle_timeout_ms', ({ table, doc }) => {
  const value = table.stream_idle_timeout_ms;
  if (value === undefined) return pass(`not set: Codex's default (${MIN_STREAM_IDLE_TIMEOUT_MS} ms)`);
  if (typeof value === 'number' && value >= MIN_STREAM_IDLE_TIMEOUT_MS) return pass(`${value} ms`);
  return warn(
    `stream_idle_timeout_ms = ${String(value)} in ${doc.file}: Codex may cut off a thinking model that pauses longer`,
    setting('stream_idle_timeout_ms', String(STREAM_IDLE_TIMEOUT_MS), doc.file),
  );
});

export const PROVIDER_CHECKS: readonly Check[] = [wireApi, baseUrl, auth, idleTimeout];
