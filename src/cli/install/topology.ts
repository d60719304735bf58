/**
 * Which topology makes OSS subagents reach the bridge with the installed Codex, and why.
 *
 * Codex 0.169 ignores a custom agent's `model_provider`: a spawned agent switches model and effort but keeps the
 * parent's provider (docs/codex-client.md#agent-roles). Then only the router topology works — every request
 * goes to the bridge, which routes by model. No Codex version is known yet to honour agent providers, so the probe
 * picks router unless told otherwise; router also works where agent providers are honoured.
 */
import type { Topology } from './options.ts';

export interface TopologyChoice {
  topology: Topology;
  reason: string;
}

/** `codex-cli 0.169.0` -> `0.169.0`; undefined when the output is not a version line. */
export function parseCodexVersion(output: string): string | undefined {
  return /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(output)?.[1];
}

/** The first Codex version observed to honour an agent's model_provider; none so far. */
export const FIRST_VERSION_HONOURING_AGENT_PROVIDERS: string | undefined = undefined;

/** Negative, zero or positive as `a` is older than, the same as or newer than `b` (major.minor.patch). */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.-]/).slice(0, 3).map(Number);
  const [left, right] = [parts(a), parts(b)];
  for (let index = 0; index < 3; index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

export function honoursAgentProviders(version: string): boolean {
  return (
    FIRST_VERSION_HONOURING_AGENT_PROVIDERS !== undefined &&
    compareVersions(version, FIRST_VERSION_HONOURING_AGENT_PROVIDERS) >= 0
  );
}

export function chooseTopology(
  explicit: Topology | undefined,
  codexVersion: string | undefined,
): TopologyChoice {
  if (explicit === 'router') {
    return { topology: explicit, reason: 'chosen with --topology router' };
  }
  if (explicit === 'subagent-provider') {
    const warning =
      codexVersion && !honoursAgentProviders(codexVersion)
        ? `; note: Codex ${codexVersion} ignores an agent's model_provider, so its OSS agents would call OpenAI with an ocg-* model and fail — use --topology router with this version`
        : '';
    return { topology: explicit, reason: `chosen with --topology subagent-provider${warning}` };
  }
  if (codexVersion === undefined) {
    return {
      topology: 'router',
      reason:
        'the Codex CLI was not found, so its version is unknown; router works with every Codex version seen so far',
    };
  }
  if (honoursAgentProviders(codexVersion)) {
    return {
      topology: 'subagent-provider',
      reason: `Codex ${codexVersion} honours an agent's model_provider, so only the OSS agents need the bridge`,
    };
  }
  return {
    topology: 'router',
    reason:
      `Codex ${codexVersion} ignores an agent's model_provider (a spawned agent keeps its parent's provider), ` +
      'so every request goes to the bridge, which sends ocg-* models to OpenCode Go and passes GPT through',
  };
}
