/**
 * Project trust. Codex ignores a project's `.codex/` (agents, rules, project config) unless the project is trusted:
 * `[projects."<absolute path>"] trust_level = "trusted"` in the user's config. Trusting a directory covers the
 * directories below it (observed with Codex 0.169: a trusted repository root also trusts its subdirectories).
 */
import path from 'node:path';
import { isTable, type TomlTable } from '../toml/parse-toml.ts';

export type TrustLevel = 'trusted' | 'untrusted' | undefined;

/** The trust level Codex applies to `root`: its own entry, else the nearest ancestor's. */
export function trustLevelOf(config: TomlTable, root: string): TrustLevel {
  const projects = isTable(config.projects) ? config.projects : {};
  for (let dir = root; ; dir = path.dirname(dir)) {
    const entry = projects[dir];
    if (isTable(entry) && (entry.trust_level === 'trusted' || entry.trust_level === 'untrusted')) {
      return entry.trust_level;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The project's own `[projects."<root>"]` table with trust recorded; other keys in it kept. */
export function trustedProjectTable(config: TomlTable, root: string): TomlTable {
  const projects = isTable(config.projects) ? config.projects : {};
  const existing = isTable(projects[root]) ? projects[root] : {};
  return { ...existing, trust_level: 'trusted' };
}
