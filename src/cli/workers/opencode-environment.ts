/**
 * The environment `opencode run` gets from a worker: the user's, plus
 *   - OPENCODE_CONFIG_CONTENT (OpenCode merges it over the user's and the project's config files): the role's agent
 *     with its permissions, and the `opencode-go` provider's key and base URL when the bridge's variables set them;
 *   - OPENCODE_PERMISSION (merged over every other config source): the same permissions as the top-level table, so
 *     OpenCode's built-in agents — a fallback if ours were missing — are bound by them too.
 * Variables the user already set are merged with ours, ours winning (docs/opencode-cli.md#configuration).
 *
 * The key: OpenCode's `opencode-go` provider reads OPENCODE_API_KEY or `opencode auth login`; the bridge reads
 * OPENCODE_GO_API_KEY (from the shell or `.codex-oss/env/opencode-go.env`). When that is set, the provider is given
 * `{env:OPENCODE_GO_API_KEY}` (OpenCode substitutes it), so one key serves the bridge and the workers alike.
 */
import { type PermissionRules, permissionFor } from './opencode-permissions.ts';
import type { WorkerRole } from './worker-roles.ts';

export const GO_KEY_VARIABLE = 'OPENCODE_GO_API_KEY';
export const GO_BASE_URL_VARIABLE = 'OPENCODE_GO_BASE_URL';

type Env = Readonly<Record<string, string | undefined>>;
type Json = { [key: string]: unknown };

export interface UpstreamSettings {
  /** OPENCODE_GO_API_KEY, from the shell or the project's key file. */
  key: string | undefined;
  /** OPENCODE_GO_BASE_URL: where the bridge (and so the workers) reach OpenCode Go. */
  baseUrl: string | undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `over` merged in; objects merge key by key, anything else in `over` replaces. */
export function mergeDeep(base: Json, over: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? mergeDeep(current, value) : value;
  }
  return merged;
}

function parseUserJson(name: string, text: string | undefined): Json {
  if (text === undefined || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not valid JSON (${(error as Error).message}); fix or unset it.`);
  }
  if (!isObject(parsed)) throw new Error(`${name} must be a JSON object; fix or unset it.`);
  return parsed;
}

export function workerAgentConfig(role: WorkerRole, permission: PermissionRules): Json {
  return { [role.command]: { mode: 'primary', description: role.summary, permission } };
}

export function providerConfig(upstream: UpstreamSettings): Json | undefined {
  const options: Json = {};
  if (upstream.key) options.apiKey = `{env:${GO_KEY_VARIABLE}}`;
  if (upstream.baseUrl) options.baseURL = upstream.baseUrl;
  return Object.keys(options).length > 0 ? { 'opencode-go': { options } } : undefined;
}

export function opencodeEnvironment(
  role: WorkerRole,
  env: Env,
  upstream: UpstreamSettings,
): Record<string, string> {
  const permission = permissionFor(role.access);
  const provider = providerConfig(upstream);
  const ours: Json = { agent: workerAgentConfig(role, permission), ...(provider ? { provider } : {}) };
  const config = mergeDeep(parseUserJson('OPENCODE_CONFIG_CONTENT', env.OPENCODE_CONFIG_CONTENT), ours);
  const topLevel = mergeDeep(parseUserJson('OPENCODE_PERMISSION', env.OPENCODE_PERMISSION), permission);
  const inherited = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return {
    ...inherited,
    ...(upstream.key ? { [GO_KEY_VARIABLE]: upstream.key } : {}),
    OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
    OPENCODE_PERMISSION: JSON.stringify(topLevel),
  };
}
