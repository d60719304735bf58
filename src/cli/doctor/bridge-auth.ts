/**
 * Which key Codex sends to the bridge and which keys the bridge accepts. Codex's side comes from the provider's
 * auth: the `auth` command it runs (install writes `cat <token file>`) or the `env_key` variable it reads. The
 * bridge's side is PROXY_API_KEY / LITELLM_MASTER_KEY when set, else its generated token file — and, when it runs,
 * the bridge itself says which one it accepts (GET /v1/models answers 200 only to its key). Keys are never printed.
 */
import { execFile } from 'node:child_process';
import { BRIDGE_KEY_HEADER } from '../../bridge-key-header.ts';
import { readIfExists } from '../fs/apply-changes.ts';
import { isTable, type TomlTable } from '../toml/parse-toml.ts';

type Env = Readonly<Record<string, string | undefined>>;

const AUTH_COMMAND_TIMEOUT_MS = 10_000;

export interface CodexToken {
  /** undefined when Codex would send no key. */
  token: string | undefined;
  /** Where Codex takes it from, for messages: "`cat /p/.codex-oss/state/bridge-token`" or "$OPENCODE_BRIDGE_TOKEN". */
  source: string;
  /** Why there is no token, as a sentence. */
  problem?: string;
  kind: 'command' | 'env_key' | 'header' | 'none';
}

function runAuthCommand(command: string, args: string[], cwd: string, env: Env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env, timeout: AUTH_COMMAND_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) reject(new Error(stderr.trim().split('\n').at(-1) || error.message));
      else resolve(stdout.trim());
    });
  });
}

function commandToken(auth: TomlTable, cwd: string, env: Env): Promise<CodexToken> {
  const command = String(auth.command);
  const args = Array.isArray(auth.args) ? auth.args.map(String) : [];
  const source = `\`${[command, ...args].join(' ')}\``;
  return runAuthCommand(command, args, cwd, env).then(
    (token) =>
      token
        ? { token, source, kind: 'command' }
        : { token: undefined, source, kind: 'command', problem: `${source} printed nothing` },
    (error: Error) => ({
      token: undefined,
      source,
      kind: 'command',
      problem: `${source} failed: ${error.message}`,
    }),
  );
}

/** The key Codex would send with this provider table. */
export async function codexToken(provider: TomlTable, cwd: string, env: Env): Promise<CodexToken> {
  if (isTable(provider.auth) && typeof provider.auth.command === 'string') {
    return commandToken(provider.auth, cwd, env);
  }
  // `--auth codex`: the bridge key rides in x-opencode-bridge-key, written into the profile (or, in a provider
  // written by hand or by an earlier install, read from an environment variable).
  const header = isTable(provider.http_headers) ? provider.http_headers[BRIDGE_KEY_HEADER] : undefined;
  if (typeof header === 'string' && header.trim()) {
    return { token: header.trim(), source: `the ${BRIDGE_KEY_HEADER} header in the profile`, kind: 'header' };
  }
  const headerVariable = isTable(provider.env_http_headers)
    ? provider.env_http_headers[BRIDGE_KEY_HEADER]
    : undefined;
  const variable = typeof provider.env_key === 'string' ? provider.env_key : headerVariable;
  if (typeof variable === 'string') {
    const source = `$${variable}`;
    const token = env[variable]?.trim();
    return token
      ? { token, source, kind: 'env_key' }
      : {
          token: undefined,
          source,
          kind: 'env_key',
          problem: `${source} is not set in this shell, so Codex refuses to call the bridge ("Missing environment variable")`,
        };
  }
  return {
    token: undefined,
    source: 'nothing',
    kind: 'none',
    problem: `the provider has no auth command, env_key or ${BRIDGE_KEY_HEADER} header, so Codex sends no key and the bridge answers 401`,
  };
}

export interface KeyCandidate {
  key: string;
  /** For messages: a variable name, "<NAME> in <env file>", or the token file. */
  source: string;
  /** Set when the key comes from a variable (in the shell, or in `envFile`). */
  variable?: string;
  envFile?: string;
}

/** The keys a bridge started by `codex-oss start` here would accept, in the order it picks them. */
export function expectedBridgeKeys(
  env: Env,
  envFile: { file: string; values: Readonly<Record<string, string>> },
  tokenFile: string,
): KeyCandidate[] {
  const candidates: Array<Omit<KeyCandidate, 'key'> & { key: string | undefined }> = [];
  for (const variable of ['PROXY_API_KEY', 'LITELLM_MASTER_KEY']) {
    candidates.push({ key: env[variable], source: variable, variable });
    candidates.push({
      key: envFile.values[variable],
      source: `${variable} in ${envFile.file}`,
      variable,
      envFile: envFile.file,
    });
  }
  candidates.push({ key: readIfExists(tokenFile), source: tokenFile });
  return candidates
    .map((candidate) => ({ ...candidate, key: candidate.key?.trim() ?? '' }))
    .filter((candidate) => candidate.key !== '');
}

/** Does the bridge at `url` (root, without /v1) accept this key? */
export async function bridgeAcceptsKey(url: string, key: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/v1/models`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(3000),
    });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
