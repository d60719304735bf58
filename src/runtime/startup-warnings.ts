/**
 * What the bridge says at start about a configuration that starts but cannot work: one line each, printed before
 * the first request so nobody has to find out from a failed Codex turn.
 */
import type { Config } from '../config.ts';
import { withoutCredentials } from '../upstream/upstream-errors.ts';

export function startupWarnings(config: Config): string[] {
  const warnings: string[] = [];
  if (!config.upstream.apiKey) {
    // config.ts only lets a missing key through with ALLOW_MISSING_OPENCODE_KEY=1.
    warnings.push(
      'started without OPENCODE_GO_API_KEY (ALLOW_MISSING_OPENCODE_KEY=1): every upstream call to ' +
        `${withoutCredentials(config.upstream.baseUrl)} goes without a key and will fail; set OPENCODE_GO_API_KEY ` +
        'to serve open models.',
    );
  }
  return warnings;
}
