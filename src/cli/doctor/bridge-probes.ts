/**
 * What doctor asks a running bridge over HTTP: a tiny real inference (non-streaming POST /v1/responses, which
 * spends a few upstream tokens) and how many responses it has served per model (GET /metrics).
 */

/** The cheapest OSS model: the round trip proves the path, not the model. */
export const ROUND_TRIP_MODEL = 'ocg-deepseek-v4-flash';
const ROUND_TRIP_PROMPT = 'Reply with the word OK';
const ROUND_TRIP_TIMEOUT_MS = 120_000;

export interface RoundTrip {
  ok: boolean;
  latencyMs: number;
  httpStatus: number | undefined;
  /** The `model` of the response. */
  answeredBy: string | undefined;
  text: string | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
}

interface ResponseBody {
  status?: string;
  model?: string;
  output?: Array<{ type?: string; name?: string; content?: Array<{ type?: string; text?: string }> }>;
  error?: { code?: string; message?: string } | null;
  incomplete_details?: { reason?: string } | null;
}

function outputText(body: ResponseBody): string {
  return (body.output ?? [])
    .filter((item) => item.type === 'message')
    .flatMap((item) => item.content ?? [])
    .filter((part) => part.type === 'output_text')
    .map((part) => part.text ?? '')
    .join('')
    .trim();
}

function failure(started: number, httpStatus: number | undefined, code: string, message: string): RoundTrip {
  return {
    ok: false,
    latencyMs: Date.now() - started,
    httpStatus,
    answeredBy: undefined,
    text: undefined,
    errorCode: code,
    errorMessage: message,
  };
}

function fromBody(started: number, httpStatus: number, body: ResponseBody): RoundTrip {
  const latencyMs = Date.now() - started;
  if (httpStatus !== 200 || body.status === 'failed') {
    return failure(
      started,
      httpStatus,
      body.error?.code ?? `http_${httpStatus}`,
      body.error?.message ?? `HTTP ${httpStatus}`,
    );
  }
  const completed = body.status === 'completed' || body.status === 'incomplete';
  const text = outputText(body);
  const problem = completed
    ? answerProblem(body, text)
    : { code: `status_${body.status}`, message: `the response ended with status ${body.status}` };
  return {
    ok: problem === undefined,
    latencyMs,
    httpStatus,
    answeredBy: body.model,
    text,
    errorCode: problem?.code,
    errorMessage: problem?.message,
  };
}

/** Items an answer may hold besides tool calls; the round trip declares no tools, so any call is to an undeclared one. */
const ANSWER_ITEMS = new Set(['message', 'reasoning']);

/** Why a completed answer still does not prove the path: a call to a tool never declared, or no text at all. */
function answerProblem(body: ResponseBody, text: string): { code: string; message: string } | undefined {
  const calls = (body.output ?? []).filter((item) => !ANSWER_ITEMS.has(item.type ?? ''));
  if (calls.length > 0) {
    const names = calls.map((item) => item.name ?? item.type ?? 'unknown').join(', ');
    return {
      code: 'undeclared_tool_call',
      message: `the answer called ${names}, but the request declared no tools`,
    };
  }
  if (text === '') return { code: 'empty_answer', message: 'the answer has no text' };
  return undefined;
}

/** POSTs the round-trip request with `key`; never throws. */
export async function inferenceRoundTrip(url: string, key: string): Promise<RoundTrip> {
  const started = Date.now();
  let response: Response;
  try {
    response = await fetch(`${url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: ROUND_TRIP_MODEL, input: ROUND_TRIP_PROMPT, stream: false }),
      signal: AbortSignal.timeout(ROUND_TRIP_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return failure(
      started,
      undefined,
      timedOut ? 'timeout' : 'unreachable',
      timedOut ? `no answer within ${ROUND_TRIP_TIMEOUT_MS / 1000} s` : (error as Error).message,
    );
  }
  const text = await response.text();
  try {
    return fromBody(started, response.status, JSON.parse(text) as ResponseBody);
  } catch {
    return failure(started, response.status, `http_${response.status}`, text.slice(0, 200));
  }
}

const RESPONSES_TOTAL = /^opencode_bridge_responses_total\{([^}]*)\}\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Sum of `opencode_bridge_responses_total` over every series with `model="<model>"`, from Prometheus text. */
export function responsesServed(metricsText: string, model: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    const match = RESPONSES_TOTAL.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...(match[1] ?? '').matchAll(LABEL)].map(([, name, value]) => [name, value]),
    );
    if (labels.model === model) total += Number(match[2]);
  }
  return total;
}

/** How many responses the bridge has served for `model` so far (requested model id, any outcome). */
export async function fetchResponsesServed(url: string, key: string, model: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${key}` },
    signal: AbortSignal.timeout(5000),
  });
  if (response.status !== 200) throw new Error(`${url}/metrics answered HTTP ${response.status}`);
  return responsesServed(await response.text(), model);
}
