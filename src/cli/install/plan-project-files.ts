/**
 * The project files install writes: the OSS agent roles, the rules file, the AGENTS.md and .gitignore blocks, the
 * runtime directories, the key file and the model catalog.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { PlannedDir, PlannedFile } from '../fs/apply-changes.ts';
import { HASH_MARKERS, MARKDOWN_MARKERS, type Markers, upsertMarkedBlock } from '../fs/marked-block.ts';
import type { ProjectPaths } from '../project.ts';
import { parseToml, TomlSyntaxError } from '../toml/parse-toml.ts';
import { type AgentRole, agentRoleProblems, isBridgeRole, parseAgentRole } from './agent-role.ts';
import { agentsMdBlock } from './agents-md-block.ts';
import { renderCustomAgent } from './custom-agent.ts';
import { execRulesFile, RULES_FILE_NAME } from './exec-rules.ts';
import type { CustomAgentRequest } from './options.ts';
import { BUILT_IN_AGENTS, readAgentTemplate, readRoutingContract } from './orchestration.ts';
import { ownedFile, type ReadFile } from './plan-types.ts';
import { GITIGNORE_BLOCK, withOpencodeKey } from './project-files.ts';

export interface ProjectFilesRequest {
  force: boolean;
  agent: CustomAgentRequest | undefined;
  /** The OpenCode Go key to save, when --key-from-env found one. */
  opencodeKey: string | undefined;
}

export interface ProjectFilesPlan {
  files: PlannedFile[];
  dirs: PlannedDir[];
  warnings: string[];
  /** The OSS roles the project will have, for the catalog and the AGENTS.md table. */
  bridgeRoles: AgentRole[];
}

export function runtimeDirs(paths: ProjectPaths): PlannedDir[] {
  return [paths.stateDir, paths.logsDir, paths.runDir, paths.envDir].map((dir) => ({
    path: dir,
    mode: 0o700,
  }));
}

function agentFiles(paths: ProjectPaths, request: ProjectFilesRequest, read: ReadFile): PlannedFile[] {
  const files = BUILT_IN_AGENTS.map(({ name }) => {
    const file = path.join(paths.agentsDir, `${name}.toml`);
    const template = readAgentTemplate(name);
    parseAgentRole(template, `orchestration/agents/${name}.toml`); // a broken package must not install
    return ownedFile(file, read(file), template, request.force);
  });
  if (request.agent) {
    // Asked for explicitly, so written even over an edited file (which is backed up).
    const file = path.join(paths.agentsDir, `${request.agent.name}.toml`);
    files.push({ path: file, before: read(file), after: renderCustomAgent(request.agent) });
  }
  return files;
}

function existingAgentNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.toml'));
  } catch {
    return [];
  }
}

/** The bridge roles the project will have after install (planned content wins over what is on disk). */
function bridgeRolesAfter(
  paths: ProjectPaths,
  planned: readonly PlannedFile[],
  read: ReadFile,
  warnings: string[],
) {
  const contents = new Map<string, string | undefined>();
  for (const name of existingAgentNames(paths.agentsDir)) {
    const file = path.join(paths.agentsDir, name);
    contents.set(file, read(file));
  }
  for (const file of planned) contents.set(file.path, file.after);
  const roles: AgentRole[] = [];
  for (const [file, text] of [...contents].sort(([a], [b]) => a.localeCompare(b))) {
    if (text === undefined) continue;
    try {
      const table = parseToml(text, file);
      if (!isBridgeRole(table)) continue;
      const problems = agentRoleProblems(table);
      if (problems.length === 0) roles.push(table as unknown as AgentRole);
      else warnings.push(`${file}: Codex will ignore this role (${problems.join('; ')})`);
    } catch (error) {
      if (!(error instanceof TomlSyntaxError)) throw error;
      warnings.push(`${error.message} (Codex will ignore this role)`);
    }
  }
  return roles;
}

function markedFile(file: string, body: string, markers: Markers, read: ReadFile): PlannedFile {
  const before = read(file);
  return { path: file, before, after: upsertMarkedBlock(before ?? '', body, markers, file) };
}

export function planProjectFiles(
  paths: ProjectPaths,
  request: ProjectFilesRequest,
  read: ReadFile,
): ProjectFilesPlan {
  const warnings: string[] = [];
  const agents = agentFiles(paths, request, read);
  const bridgeRoles = bridgeRolesAfter(paths, agents, read, warnings);
  const builtInNames: readonly string[] = BUILT_IN_AGENTS.map((agent) => agent.name);
  const custom = bridgeRoles.filter((role) => !builtInNames.includes(role.name));
  const rulesFile = path.join(paths.rulesDir, RULES_FILE_NAME);

  const files: PlannedFile[] = [
    ...agents,
    ownedFile(rulesFile, read(rulesFile), execRulesFile(), request.force),
    markedFile(paths.agentsMd, agentsMdBlock(readRoutingContract(), custom), MARKDOWN_MARKERS, read),
    markedFile(paths.gitignore, GITIGNORE_BLOCK, HASH_MARKERS, read),
  ];
  if (request.opencodeKey !== undefined) {
    const before = read(paths.envFile);
    files.push({
      path: paths.envFile,
      before,
      after: withOpencodeKey(before, request.opencodeKey),
      mode: 0o600,
    });
  }
  if (request.agent && !/^(ocg-|opencode-go\/)/.test(request.agent.model)) {
    warnings.push(
      `--model ${request.agent.model} is not an ocg-* or opencode-go/* id: the bridge serves it only if MODEL_MAP_JSON maps it`,
    );
  }
  return { files, dirs: runtimeDirs(paths), warnings, bridgeRoles };
}
