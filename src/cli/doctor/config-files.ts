/**
 * The TOML files Codex reads for this project, read and parsed once for all checks: the user config, the
 * codex-oss profile, the project's .codex/config.toml and the agent role files. A file that does not parse keeps
 * its syntax error (with the line) and no data, so the checks that need it say "not checked" instead of guessing.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readIfExists } from '../fs/apply-changes.ts';
import type { Topology } from '../install/options.ts';
import { PROVIDER_ID, type ProjectPaths, type UserPaths } from '../project.ts';
import { isTable, parseToml, TomlSyntaxError, type TomlTable, valueAt } from '../toml/parse-toml.ts';

export interface TomlDoc {
  file: string;
  /** undefined when the file does not exist. */
  text: string | undefined;
  /** undefined when the file does not exist or does not parse. */
  data: TomlTable | undefined;
  error: TomlSyntaxError | undefined;
}

export interface CodexConfigFiles {
  user: TomlDoc;
  profile: TomlDoc;
  project: TomlDoc;
  /** Every `.toml` in the project's .codex/agents/, by file name order. */
  agents: TomlDoc[];
}

export function readTomlDoc(file: string): TomlDoc {
  const text = readIfExists(file);
  if (text === undefined) return { file, text, data: undefined, error: undefined };
  try {
    return { file, text, data: parseToml(text, file), error: undefined };
  } catch (error) {
    if (!(error instanceof TomlSyntaxError)) throw error;
    return { file, text, data: undefined, error };
  }
}

/** The files in `dir` whose names end with `extension`, sorted, as paths; none when `dir` is missing. */
export function filesEndingWith(dir: string, extension: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith(extension))
      .sort()
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

export function loadConfigFiles(paths: ProjectPaths, user: UserPaths): CodexConfigFiles {
  return {
    user: readTomlDoc(user.userConfig),
    profile: readTomlDoc(user.profileConfig),
    project: readTomlDoc(paths.projectConfig),
    agents: filesEndingWith(paths.agentsDir, '.toml').map(readTomlDoc),
  };
}

export function providerTableIn(doc: TomlDoc): TomlTable | undefined {
  const table = doc.data ? valueAt(doc.data, ['model_providers', PROVIDER_ID]) : undefined;
  return isTable(table) ? table : undefined;
}

function routesEverything(doc: TomlDoc): boolean {
  return doc.data?.model_provider === PROVIDER_ID;
}

/**
 * The topology the files describe: router when the profile (or the user config itself) sends the main session to
 * the bridge; subagent-provider when only the user config defines the provider; undefined when nothing does.
 */
export function installedTopology(files: CodexConfigFiles): Topology | undefined {
  if (routesEverything(files.profile) || providerTableIn(files.profile)) return 'router';
  if (routesEverything(files.user)) return 'router';
  return providerTableIn(files.user) ? 'subagent-provider' : undefined;
}

/** Whether Codex is run with `--profile codex-oss` in this setup. */
export function usesProfile(files: CodexConfigFiles): boolean {
  return files.profile.data !== undefined && installedTopology(files) === 'router';
}

/** The files Codex layers for the main session, most specific first (the profile only when it is used). */
export function codexLayers(files: CodexConfigFiles): TomlDoc[] {
  return usesProfile(files) ? [files.profile, files.user] : [files.user];
}

/** The provider table Codex uses, and the file it comes from; undefined when no file Codex reads defines it. */
export function effectiveProvider(files: CodexConfigFiles): { table: TomlTable; doc: TomlDoc } | undefined {
  for (const doc of codexLayers(files)) {
    const table = providerTableIn(doc);
    if (table) return { table, doc };
  }
  return undefined;
}

/** A top-level key as Codex resolves it over the layers (profile over user config). */
export function layeredValue(
  files: CodexConfigFiles,
  key: string,
): { value: unknown; doc: TomlDoc } | undefined {
  for (const doc of codexLayers(files)) {
    if (doc.data && Object.hasOwn(doc.data, key)) return { value: doc.data[key], doc };
  }
  return undefined;
}

/** The broken file among the ones Codex layers, if any: their settings cannot be judged. */
export function brokenLayer(files: CodexConfigFiles): TomlDoc | undefined {
  return [files.profile, files.user].find((doc) => doc.error !== undefined);
}
