/**
 * Chat Completions function names must match ^[a-zA-Z0-9_-]{1,64}$. Codex sends namespaced tools (MCP servers,
 * `multi_agent_v1`) and names that may not fit; they are flattened to a valid name and mapped back on the way out
 * (docs/wire-protocols.md#tool-names).
 */
import { createHash } from 'node:crypto';

const VALID_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_LENGTH = 64;

export function flatToolName(name: string, namespace?: string): string {
  const joined = namespace ? `${namespace}__${name}` : name;
  if (VALID_NAME.test(joined)) return joined;
  const sanitized = joined.replace(/[^a-zA-Z0-9_-]/g, '_') || 'tool';
  if (sanitized.length <= MAX_LENGTH) return sanitized;
  const digest = createHash('sha256').update(joined).digest('hex').slice(0, 8);
  return `${sanitized.slice(0, MAX_LENGTH - digest.length - 1)}_${digest}`;
}
