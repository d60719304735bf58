/**
 * GET /health of a bridge, as `start` (waiting for it), `status` (reporting it) and the port check (recognising
 * another bridge) use it.
 */

/** The parts of the health report (src/server/info-routes.ts) the CLI reads; the rest is passed through. */
export interface HealthReport {
  status: string;
  version: string;
  instance_id: string | null;
  uptime_seconds: number | null;
  mode: string;
  gpt_model_strategy: string;
  models: Array<{
    upstream_model: string;
    status: string;
    circuit: { state: string; consecutive_failures: number; retry_at: string | null };
    active_requests: number;
    concurrency_cap: number;
  }>;
  usage: Array<{
    model: string;
    window: string;
    requests: number;
    request_limit: number | null;
    percent_of_limit: number | null;
    input_tokens: number;
    output_tokens: number;
  }>;
  concurrency: { global_cap: number; active: number; queued: number; queue_max: number };
  [field: string]: unknown;
}

function looksLikeHealth(body: unknown): body is HealthReport {
  const health = body as Partial<HealthReport> | null;
  return typeof health?.version === 'string' && Array.isArray(health.models) && Array.isArray(health.usage);
}

/** The health report, or an Error saying why there is none (refused, timed out, not a bridge). */
export async function fetchHealth(url: string, timeoutMs = 10_000): Promise<HealthReport | Error> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return new Error(`${url}/health answered HTTP ${response.status} with something other than JSON`);
    }
    if (!looksLikeHealth(body)) return new Error(`${url}/health did not answer like an opencode-bridge`);
    return body;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    if ((error as Error).name === 'TimeoutError')
      return new Error(`${url}/health did not answer in ${timeoutMs} ms`);
    return new Error(`${url}/health is unreachable (${cause ?? (error as Error).message})`);
  }
}

/** The URL to reach a server listening on `host` from this machine (wildcard addresses mean loopback). */
export function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
