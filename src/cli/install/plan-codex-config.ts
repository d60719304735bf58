/**
 * The user-level Codex files install touches, each only in the parts it owns:
 * - router: the profile `$CODEX_HOME/codex-oss.config.toml` (`codex --profile codex-oss`): top-level
 *   `model_provider` (and `model_catalog_json`) plus the provider table. The user's config.toml stays as it was.
 * - subagent-provider: only the provider table in `$CODEX_HOME/config.toml`; never a top-level model_provider.
 * - `--trust`: the project's `[projects."<root>"]` table in `$CODEX_HOME/config.toml`.
 */

import { BRIDGE_KEY_HEADER } from '../../bridge-key-header.ts';
import type { PlannedFile } from '../fs/apply-changes.ts';
import { PROVIDER_ID, type UserPaths } from '../project.ts';
import { setRootKeys, setTable } from '../toml/edit-toml.ts';
import { parseToml, valueAt } from '../toml/parse-toml.ts';
import type { Topology } from './options.ts';
import type { ReadFile } from './plan-types.ts';
import {
  mergeProviderTable,
  PROVIDER_COMMENTS,
  type ProviderSettings,
  providerTable,
} from './provider-table.ts';
import { trustedProjectTable, trustLevelOf } from './trust.ts';

const PROVIDER_PATH = ['model_providers', PROVIDER_ID];

export interface CodexConfigRequest {
  topology: Topology;
  provider: ProviderSettings;
  projectRoot: string;
  trust: boolean;
  force: boolean;
  /** Absolute path of our model catalog when Codex loads it; undefined to leave it out. */
  catalogFile: string | undefined;
}

export interface CodexConfigPlan {
  files: PlannedFile[];
  warnings: string[];
}

function withProvider(text: string, file: string, request: CodexConfigRequest): string {
  const existing = valueAt(parseToml(text, file), PROVIDER_PATH);
  const table = mergeProviderTable(existing, providerTable(request.provider), request.force);
  return setTable(text, file, PROVIDER_PATH, table, { comments: PROVIDER_COMMENTS });
}

/** model_catalog_json: ours when Codex loads it; otherwise removed only if it is ours (a stale one), else kept. */
function catalogKey(text: string, file: string, request: CodexConfigRequest, ourCatalog: string): unknown {
  if (request.catalogFile) return request.catalogFile;
  const current = parseToml(text, file).model_catalog_json;
  return current === ourCatalog ? undefined : current;
}

/** Another project's bridge the profile pointed at: its token file, or its token in the header (never shown). */
function previousProject(text: string, file: string, provider: ProviderSettings): string | undefined {
  const data = parseToml(text, file);
  const args = valueAt(data, [...PROVIDER_PATH, 'auth', 'args']);
  const previous = Array.isArray(args) ? args[0] : undefined;
  if (typeof previous === 'string' && previous !== provider.tokenFile) return previous;
  const header = valueAt(data, [...PROVIDER_PATH, 'http_headers', BRIDGE_KEY_HEADER]);
  return typeof header === 'string' && provider.token && header !== provider.token
    ? 'its token was in the profile'
    : undefined;
}

/** A file that will hold the bridge token is private to the user. */
function privateIfKeyed(request: CodexConfigRequest): { mode?: number } {
  return request.provider.token ? { mode: 0o600 } : {};
}

function planProfile(user: UserPaths, request: CodexConfigRequest, ourCatalog: string, read: ReadFile) {
  const before = read(user.profileConfig);
  let profile = before ?? '';
  const previous = previousProject(profile, user.profileConfig, request.provider);
  // One profile per CODEX_HOME: it points at one project's bridge token, so the project installed last wins.
  const warnings = previous
    ? [
        `the codex-oss profile used the bridge token of another project (${previous}); it now uses this project's, ` +
          "so `codex --profile codex-oss` reaches this project's bridge only. Run install again in the other " +
          'project to switch back, or give each project its own CODEX_HOME',
      ]
    : [];
  profile = setRootKeys(profile, user.profileConfig, {
    model_provider: PROVIDER_ID,
    model_catalog_json: catalogKey(profile, user.profileConfig, request, ourCatalog),
  });
  profile = withProvider(profile, user.profileConfig, request);
  return { file: { path: user.profileConfig, before, after: profile, ...privateIfKeyed(request) }, warnings };
}

/** The user config with trust recorded when asked (and allowed), plus what to tell the user. */
function withTrust(
  config: string,
  user: UserPaths,
  request: CodexConfigRequest,
  profile: string | undefined,
) {
  const configData = parseToml(config, user.userConfig);
  // A profile layers over the user config, so its entry (Codex writes one on `--profile … --trust`) wins.
  const profileLevel = profile
    ? trustLevelOf(parseToml(profile, user.profileConfig), request.projectRoot)
    : undefined;
  const level = profileLevel ?? trustLevelOf(configData, request.projectRoot);
  if (request.trust && level === 'untrusted' && !request.force) {
    const where = profileLevel ? user.profileConfig : user.userConfig;
    return {
      config,
      warning: `${where} marks this project as untrusted; install leaves that alone (run with --trust --force to trust it)`,
    };
  }
  if (request.trust) {
    const table = trustedProjectTable(configData, request.projectRoot);
    return { config: setTable(config, user.userConfig, ['projects', request.projectRoot], table) };
  }
  if (level === 'trusted') return { config };
  return {
    config,
    warning:
      "Codex ignores this project's .codex/ (the OSS agents and rules) until the project is trusted: run " +
      '`codex-oss install --trust`, or accept the trust prompt when Codex starts here',
  };
}

export function planCodexConfig(
  user: UserPaths,
  request: CodexConfigRequest,
  ourCatalog: string,
  read: ReadFile,
): CodexConfigPlan {
  const warnings: string[] = [];
  const files: PlannedFile[] = [];
  const configBefore = read(user.userConfig);
  let config = configBefore ?? '';
  parseToml(config, user.userConfig); // a broken user config is reported before anything is planned

  let profile: string | undefined;
  if (request.topology === 'router') {
    const planned = planProfile(user, request, ourCatalog, read);
    files.push(planned.file);
    warnings.push(...planned.warnings);
    profile = planned.file.after;
  } else {
    if (parseToml(config, user.userConfig).model_provider === PROVIDER_ID) {
      warnings.push(
        `${user.userConfig} sets model_provider = "${PROVIDER_ID}" at the top level, so the main session also goes ` +
          'through the bridge (that is the router topology); remove that line to keep the main session native',
      );
    }
    config = withProvider(config, user.userConfig, request);
  }

  const trust = withTrust(config, user, request, profile);
  config = trust.config;
  if (trust.warning) warnings.push(trust.warning);
  if (configBefore !== undefined || config !== '') {
    const keyed = request.topology === 'subagent-provider' ? privateIfKeyed(request) : {};
    files.push({ path: user.userConfig, before: configBefore, after: config, ...keyed });
  }
  return { files, warnings };
}
