/**
 * Plans a whole install: asks the installed Codex what it needs to know, then plans every file. Reads only; the
 * command writes the plan afterwards, so any error here leaves the disk as it was.
 */

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { LOCAL_TOKEN_FILE } from '../../state/secrets.ts';
import { parseEnvText } from '../daemon/env-file.ts';
import type { PlannedFile } from '../fs/apply-changes.ts';
import { codexSignIn, type GptCredential, resolveGptCredential } from '../gpt-credential.ts';
import type { ProjectPaths, UserPaths } from '../project.ts';
import { parseToml, TomlSyntaxError } from '../toml/parse-toml.ts';
import type { AgentRole } from './agent-role.ts';
import { type AuthChoice, chooseAuth } from './auth-choice.ts';
import { bundledCatalogOutput, catalogLoadProblem, codexVersionOutput, findCodex } from './codex-cli.ts';
import { modelCatalog, ossModels, parseBundledCatalog, renderModelCatalog } from './model-catalog.ts';
import type { InstallOptions } from './options.ts';
import { planCodexConfig } from './plan-codex-config.ts';
import { planProjectFiles } from './plan-project-files.ts';
import type { InstallPlan, ReadFile } from './plan-types.ts';
import { OPENCODE_KEY_ENV } from './project-files.ts';
import { chooseTopology, parseCodexVersion, type TopologyChoice } from './topology.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface InstallRequest {
  paths: ProjectPaths;
  user: UserPaths;
  options: InstallOptions;
  env: Env;
  read: ReadFile;
}

export interface PlannedInstall extends InstallPlan {
  choice: TopologyChoice;
  codexVersion: string | undefined;
  /** Whether the catalog is referenced by the profile. */
  catalogInUse: boolean;
  auth: AuthChoice;
  /** Router only: what GPT requests of the main session will travel with. */
  gptCredential: GptCredential | undefined;
}

interface CatalogPlan {
  file?: PlannedFile;
  loads: boolean;
  warnings: string[];
}

async function planCatalog(
  codex: string | undefined,
  request: InstallRequest,
  roles: readonly AgentRole[],
): Promise<CatalogPlan> {
  if (!codex) {
    return {
      loads: false,
      warnings: [
        'Codex CLI not found (on PATH or in node_modules/.bin): install it with `npm install -g @openai/codex`, then run install again to add the model catalog',
      ],
    };
  }
  const bundled = parseBundledCatalog(await bundledCatalogOutput(codex, request.env));
  const models = ossModels(roles.map((role) => role.model).filter((model) => model.startsWith('ocg-')));
  const json = renderModelCatalog(modelCatalog(models, bundled));
  const expected = [...models.map((model) => model.id), ...bundled.map((entry) => entry.slug)];
  const problem = await catalogLoadProblem(codex, request.env, json, expected);
  if (problem) {
    return {
      loads: false,
      warnings: [`model catalog left out: the installed Codex does not load it (${problem})`],
    };
  }
  const file = request.paths.catalogFile;
  return { file: { path: file, before: request.read(file), after: json }, loads: true, warnings: [] };
}

function projectConfigWarnings(paths: ProjectPaths, read: ReadFile): string[] {
  const text = read(paths.projectConfig);
  if (text === undefined) return [];
  try {
    const config = parseToml(text, paths.projectConfig);
    const ignored = ['model_provider', 'model_providers'].filter((key) => Object.hasOwn(config, key));
    return ignored.length === 0
      ? []
      : [
          `${paths.projectConfig} sets ${ignored.join(' and ')}, which Codex ignores in a project config; ` +
            'providers belong in the user config or a profile (install puts them there)',
        ];
  } catch (error) {
    if (error instanceof TomlSyntaxError) return [`${error.message} (Codex cannot read it either)`];
    throw error;
  }
}

function opencodeKey(request: InstallRequest, warnings: string[]): string | undefined {
  if (!request.options.keyFromEnv) return undefined;
  const key = request.env[OPENCODE_KEY_ENV]?.trim();
  if (!key) {
    warnings.push(
      `--key-from-env: ${OPENCODE_KEY_ENV} is not set in this shell, so no key file was written; export it and run again`,
    );
    return undefined;
  }
  return key;
}

/** Where a bridge started here finds OPENAI_API_KEY: the shell, or the project's env file; undefined if nowhere. */
function openaiKeySource(request: InstallRequest, envFileValues: Readonly<Record<string, string>>) {
  if (request.env.OPENAI_API_KEY?.trim()) return 'the environment';
  return envFileValues.OPENAI_API_KEY?.trim() ? request.paths.envFile : undefined;
}

/** A token of the form the bridge generates itself (src/state/secrets.ts), which then reads it from the file. */
function newLocalToken(): string {
  return `ocb_${randomBytes(32).toString('base64url')}`;
}

/** The bridge's token for a static header: the token file's, or a new one install writes (0600) first. */
function planToken(tokenFile: string, read: ReadFile): { token: string; file?: PlannedFile } {
  const existing = read(tokenFile)?.trim();
  if (existing) return { token: existing };
  const token = newLocalToken();
  return { token, file: { path: tokenFile, before: undefined, after: `${token}\n`, mode: 0o600 } };
}

function bridgeKeyVariables(request: InstallRequest, envFileValues: Readonly<Record<string, string>>) {
  return ['PROXY_API_KEY', 'LITELLM_MASTER_KEY'].filter(
    (name) => request.env[name]?.trim() || envFileValues[name]?.trim(),
  );
}

export async function planInstall(request: InstallRequest): Promise<PlannedInstall> {
  const { paths, options, env } = request;
  const codex = findCodex(env, paths.root);
  // Independent questions to the same Codex: asked at once.
  const [versionOutput, signIn] = await Promise.all([
    codex ? codexVersionOutput(codex, env) : undefined,
    codexSignIn(codex, env),
  ]);
  const codexVersion = versionOutput ? parseCodexVersion(versionOutput) : undefined;
  const choice = chooseTopology(options.topology, codexVersion);
  const warnings: string[] = [];
  const envFileValues = parseEnvText(request.read(paths.envFile) ?? '');
  const openaiKey = openaiKeySource(request, envFileValues);
  const auth = chooseAuth(options.auth, choice.topology, signIn, openaiKey !== undefined);
  const tokenFile = path.join(paths.stateDir, LOCAL_TOKEN_FILE);
  const token = auth.auth === 'codex' ? planToken(tokenFile, request.read) : undefined;
  const gptCredential =
    choice.topology === 'router'
      ? resolveGptCredential({ forwardsSignIn: auth.auth === 'codex', signIn, openaiApiKey: openaiKey })
      : undefined;
  if (gptCredential?.kind === 'none') {
    warnings.push(
      `GPT requests have no OpenAI credential yet: ${gptCredential.why}. Fix: ${gptCredential.fix}`,
    );
  }
  const keyVariables = bridgeKeyVariables(request, envFileValues);
  if (token && keyVariables.length > 0) {
    warnings.push(
      `${keyVariables.join(' and ')} is set, so a bridge started here accepts that key and not the token the profile ` +
        `sends: unset it (and remove it from ${paths.envFile}) before \`codex-oss start\``,
    );
  }

  const project = planProjectFiles(
    paths,
    { force: options.force, agent: options.agent, opencodeKey: opencodeKey(request, warnings) },
    request.read,
  );
  const catalog = await planCatalog(codex, request, project.bridgeRoles);
  const catalogInUse = catalog.loads && choice.topology === 'router';
  const codexConfig = planCodexConfig(
    request.user,
    {
      topology: choice.topology,
      provider: {
        port: options.port,
        auth: auth.auth,
        tokenFile,
        ...(token ? { token: token.token } : {}),
      },
      projectRoot: paths.root,
      trust: options.trust,
      force: options.force,
      catalogFile: catalogInUse ? paths.catalogFile : undefined,
    },
    paths.catalogFile,
    request.read,
  );
  const notes: string[] = [];
  if (catalog.loads && !catalogInUse) {
    notes.push(
      `model catalog written but not referenced (subagent-provider leaves your Codex config alone); to use it, add model_catalog_json = "${paths.catalogFile}" to a profile or .codex/config.toml`,
    );
  }
  return {
    choice,
    codexVersion,
    catalogInUse,
    auth,
    gptCredential,
    files: [
      ...(token?.file ? [token.file] : []),
      ...codexConfig.files,
      ...project.files,
      ...(catalog.file ? [catalog.file] : []),
    ],
    dirs: project.dirs,
    warnings: [
      ...warnings,
      ...codexConfig.warnings,
      ...project.warnings,
      ...catalog.warnings,
      ...projectConfigWarnings(paths, request.read),
    ],
    notes,
  };
}
