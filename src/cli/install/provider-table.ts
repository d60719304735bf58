/**
 * The `[model_providers.opencode_bridge]` table Codex needs to reach the bridge. It lives where Codex reads provider
 * definitions — the user-level config or a profile file — never in the project's `.codex/config.toml`, which Codex
 * ignores for provider keys (docs/codex-client.md#provider-configuration).
 */
import { BRIDGE_KEY_HEADER } from '../../bridge-key-header.ts';
import type { TomlTable } from '../toml/parse-toml.ts';
import type { AuthMode } from './options.ts';

export const BRIDGE_TOKEN_ENV = 'OPENCODE_BRIDGE_TOKEN';

/** Thinking models can pause for minutes; the bridge heartbeats every 5 s, so this only catches a stuck bridge. */
export const STREAM_IDLE_TIMEOUT_MS = 600_000;
/** Codex's default; the bridge answers 429 with Retry-After, which Codex honours. */
export const REQUEST_MAX_RETRIES = 4;
/** Fewer than Codex's default 5: a retried stream repeats the items already received. */
export const STREAM_MAX_RETRIES = 3;

export const PROVIDER_COMMENTS = [
  'Managed by `codex-oss install`: Codex reaches opencode-bridge, which serves OSS models (ocg-*) from OpenCode Go.',
  'install resets the keys it writes here and keeps keys you add (--force drops them); nothing else in this file changes.',
];

/** Keys that select how Codex authenticates; only one way may be present. */
const AUTH_KEYS = ['env_key', 'env_key_instructions', 'auth', 'requires_openai_auth', 'env_http_headers'];

export interface ProviderSettings {
  port: number;
  auth: AuthMode;
  /** Absolute path of the bridge's local token file. */
  tokenFile: string;
  /** The token itself: `codex` auth sends it in a static header (so no shell needs it exported). */
  token?: string;
}

export function bridgeBaseUrl(port: number): string {
  return `http://127.0.0.1:${port}/v1`;
}

export function providerTable(settings: ProviderSettings): TomlTable {
  const table: TomlTable = {
    name: 'opencode-bridge',
    base_url: bridgeBaseUrl(settings.port),
    wire_api: 'responses',
    request_max_retries: REQUEST_MAX_RETRIES,
    stream_max_retries: STREAM_MAX_RETRIES,
    stream_idle_timeout_ms: STREAM_IDLE_TIMEOUT_MS,
  };
  switch (settings.auth) {
    case 'env':
      table.env_key = BRIDGE_TOKEN_ENV;
      table.env_key_instructions = `export ${BRIDGE_TOKEN_ENV}="$(cat '${settings.tokenFile}')"   # after the bridge has started once`;
      return table;
    case 'command':
      // Codex runs the command for a token, caches it and runs it again after a 401. (Incompatible with env_key.)
      table.auth = { command: 'cat', args: [settings.tokenFile] };
      return table;
    case 'codex':
      // GPT requests carry the user's own Codex sign-in (forwarded to OpenAI by the bridge); the bridge key then
      // travels in its own header (requires_openai_auth excludes env_key and auth). A static header, written into the
      // 0600 profile, so no shell must export anything; install writes the token file first if the bridge has none.
      if (!settings.token) throw new Error('codex auth needs the bridge token');
      table.requires_openai_auth = true;
      table.http_headers = { [BRIDGE_KEY_HEADER]: settings.token };
      return table;
    default: {
      const unknown: never = settings.auth;
      throw new Error(`unknown auth mode ${String(unknown)}`);
    }
  }
}

/** Our table merged over an existing one: our keys win, keys the user added stay (unless `force`). */
export function mergeProviderTable(existing: unknown, ours: TomlTable, force: boolean): TomlTable {
  if (force || typeof existing !== 'object' || existing === null || Array.isArray(existing)) return ours;
  const extras = Object.entries(existing as TomlTable).filter(
    ([key]) => !Object.hasOwn(ours, key) && !AUTH_KEYS.includes(key) && key !== 'http_headers',
  );
  const headers = mergeHeaders((existing as TomlTable).http_headers, ours.http_headers);
  return { ...ours, ...Object.fromEntries(extras), ...(headers ? { http_headers: headers } : {}) };
}

/** The user's own static headers stay; the bridge-key header is ours (set by `codex` auth, gone otherwise). */
function mergeHeaders(existing: unknown, ours: unknown): TomlTable | undefined {
  const theirs =
    typeof existing === 'object' && existing !== null && !Array.isArray(existing)
      ? Object.fromEntries(
          Object.entries(existing as TomlTable).filter(([name]) => name.toLowerCase() !== BRIDGE_KEY_HEADER),
        )
      : {};
  const merged = { ...theirs, ...((ours as TomlTable | undefined) ?? {}) };
  return Object.keys(merged).length > 0 ? merged : undefined;
}
