/**
 * The files shipped in the package's `orchestration/` directory, which install copies into a project: the routing
 * contract (AGENTS.md) and the three OSS agent roles.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// src/cli/install/ and dist/cli/install/ both sit three levels below the package root.
export const ORCHESTRATION_DIR = fileURLToPath(new URL('../../../orchestration/', import.meta.url));

/** The roles install always sets up, with the lane each one is for. */
export const BUILT_IN_AGENTS = [
  { name: 'oss-deepseek-pro', model: 'ocg-deepseek-v4-pro', effort: 'high', sandbox: 'workspace-write' },
  { name: 'oss-kimi-rapid', model: 'ocg-kimi-k2.6', effort: 'medium', sandbox: 'read-only' },
  { name: 'oss-flash-support', model: 'ocg-deepseek-v4-flash', effort: 'medium', sandbox: 'read-only' },
] as const;

export function agentTemplatePath(name: string): string {
  return `${ORCHESTRATION_DIR}agents/${name}.toml`;
}

export function readAgentTemplate(name: string): string {
  return readFileSync(agentTemplatePath(name), 'utf8');
}

export function readRoutingContract(): string {
  return readFileSync(`${ORCHESTRATION_DIR}AGENTS.md`, 'utf8');
}
