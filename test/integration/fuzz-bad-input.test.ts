/**
 * Bad input of any shape gets a 4xx, never a 5xx: fast-check generates request bodies (mostly well-shaped, with
 * garbage in any field, deep nesting, objects that cannot become strings, $ref DAGs and cycles in tool schemas) and
 * sends them to the real bridge on its loopback port, backed by the strict mock upstream.
 *
 * The seed is fixed so a failure reproduces, and the count is sized for a loaded 2-core CI machine. By hand:
 * FUZZ_RUNS and FUZZ_SEED widen or vary a run; FUZZ_REPORT=1 prints the distribution of statuses and error codes
 * instead of stopping at the first 5xx (FUZZ_DETAIL=N adds the first N characters of each error message).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SCHEMA_NODES } from '../../src/translate/json-schema.ts';
import { textReply } from '../mock-upstream/index.ts';
import { BRIDGE_KEY, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { eventViolations } from '../support/event-invariants.ts';
import { requestBody, toBodyText } from '../support/fuzz-bodies.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_212);
const REPORT = process.env.FUZZ_REPORT === '1';
const DETAIL = Number(process.env.FUZZ_DETAIL ?? 0);

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge();
  t.upstream.script(() => textReply('ok'));
});
afterAll(() => t.close());

interface Answer {
  status: number;
  /** The error code of a JSON error, or of a streamed `response.failed`. */
  code: string | undefined;
  message: string | undefined;
  /** For a stream: what breaks the event rules (one terminal event, item order, numbering). */
  violations: string[];
}

/** The line of the distribution an answer counts under: status, code and (by hand) the start of the message. */
function tallyKey(answer: Answer): string {
  const detail = DETAIL > 0 ? answer.message?.slice(0, DETAIL) : undefined;
  return [answer.status, answer.code, detail, ...answer.violations]
    .filter((part) => part !== undefined)
    .join(' ');
}

async function send(bodyText: string): Promise<Answer> {
  const response = await fetch(`${t.baseUrl}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BRIDGE_KEY}`, 'content-type': 'application/json' },
    body: bodyText,
  });
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { type: string; [key: string]: any });
    const failed = events.find((event) => event.type === 'response.failed');
    return {
      status: response.status,
      code: failed?.response?.error?.code,
      message: failed?.response?.error?.message,
      violations: eventViolations(events),
    };
  }
  const json = JSON.parse(text) as { error?: { code: string; message: string } };
  return { status: response.status, code: json.error?.code, message: json.error?.message, violations: [] };
}

/** Twelve definitions of four properties, each pointing at the next: a DAG, not a cycle (4^12 paths). */
function dagOfDefinitions(): Record<string, unknown> {
  const $defs: Record<string, unknown> = {};
  for (let index = 0; index < 12; index++) {
    const next = index < 11 ? { $ref: `#/$defs/D${index + 1}` } : { type: 'string' };
    $defs[`D${index}`] = { type: 'object', properties: { a: next, b: next, c: next, d: next } };
  }
  return { type: 'object', properties: { root: { $ref: '#/$defs/D0' } }, $defs };
}

function kimiTool(parameters: unknown): Record<string, unknown> {
  return {
    model: 'ocg-kimi-k2.6',
    input: 'hi',
    tools: [{ type: 'function', name: 'plan', parameters }],
  };
}

describe('bad input of the shapes fuzzing found', () => {
  it('sends a Kimi tool schema whose definitions form a DAG with its $refs kept, about as large as it came', async () => {
    t.upstream.requests.length = 0;
    const parameters = dagOfDefinitions();

    const answer = await send(JSON.stringify(kimiTool(parameters)));

    expect(answer.status).toBe(200);
    const sent = t.upstream.requests[0]?.body.tools[0].function.parameters;
    expect(Object.keys(sent.$defs)).toHaveLength(12);
    expect(JSON.stringify(sent).length).toBeLessThan(2 * JSON.stringify(parameters).length);
  });

  it('treats a Kimi $ref with a malformed escape as pointing nowhere', async () => {
    t.upstream.requests.length = 0;
    const parameters = {
      type: 'object',
      properties: { a: { $ref: '#/$defs/%' } },
      $defs: { x: { type: 'string' } },
    };

    const answer = await send(JSON.stringify(kimiTool(parameters)));

    expect(answer.status).toBe(200);
    expect(t.upstream.requests[0]?.body.tools[0].function.parameters).toEqual({
      type: 'object',
      properties: { a: { type: 'object' } },
    });
  });

  it('refuses a Kimi tool schema larger than the cap with a 400 naming the tool, sending nothing', async () => {
    t.upstream.requests.length = 0;
    const properties = Object.fromEntries(
      Array.from({ length: MAX_SCHEMA_NODES }, (_, index) => [`p${index}`, { type: 'string' }]),
    );

    const answer = await send(JSON.stringify(kimiTool({ type: 'object', properties })));

    expect(answer).toMatchObject({ status: 400, code: 'tool_schema_too_large' });
    expect(answer.message).toContain("tool 'plan'");
    expect(t.upstream.requests).toEqual([]);
  });

  it.each([
    [
      'tool parameters',
      `"tools":[{"type":"function","name":"f","parameters":${'{"a":'.repeat(12_000)}1${'}'.repeat(12_000)}}]`,
    ],
    [
      'a structured-output schema',
      `"text":{"format":{"type":"json_schema","name":"r","schema":{"a":${'['.repeat(12_000)}${']'.repeat(12_000)}}}}`,
    ],
    ['streamed metadata', `"stream":true,"metadata":{"m":${'['.repeat(12_000)}${']'.repeat(12_000)}}`],
    [
      'function call arguments',
      `"input":[{"type":"function_call","call_id":"c","name":"f","arguments":${'['.repeat(12_000)}${']'.repeat(12_000)}}]`,
    ],
  ])('answers 10,000-deep nesting in %s with a 400', async (_label, fields) => {
    const input = fields.includes('"input"') ? '' : '"input":"hi",';

    const answer = await send(`{"model":"ocg-deepseek-v4-pro",${input}${fields}}`);

    expect(answer).toMatchObject({ status: 400, code: 'invalid_request_error' });
    expect(answer.message).toContain('nested more than 128 levels deep');
  });

  it.each([
    ['an input item', { input: [{ type: { toString: 1 } }] }, 'input[0].type'],
    [
      'a content part',
      { input: [{ role: 'user', content: [{ type: { toString: 1 } }] }] },
      'input[0].content[0].type',
    ],
    [
      'a namespace holding null',
      { tools: [{ type: 'namespace', name: 'ns', tools: [null] }] },
      'tools.0.tools.0',
    ],
  ])('answers a wrong shape in %s with a 400 naming it', async (_label, fields, param) => {
    const answer = await send(JSON.stringify({ model: 'ocg-deepseek-v4-pro', input: 'hi', ...fields }));

    expect(answer.status).toBe(400);
    expect(answer.message).toContain(param);
  });
});

describe('fuzzed request bodies', () => {
  it('answers every body, whatever its shape, below 500, and every stream by the rules with no server error', async () => {
    const tally = new Map<string, number>();
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(requestBody, async (body) => {
        t.upstream.requests.length = 0;
        const answer = await send(toBodyText(body));
        const key = tallyKey(answer);
        tally.set(key, (tally.get(key) ?? 0) + 1);
        const bad = answer.status >= 500 || answer.code === 'server_error' || answer.violations.length > 0;
        if (bad && failures.length < 20) failures.push(`${key}: ${answer.message}`);
        if (!REPORT) expect(bad, `${key}: ${answer.message}`).toBe(false);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    if (REPORT) {
      console.log(`fuzz: ${RUNS} bodies, seed ${SEED}`);
      console.log(
        [...tally]
          .sort((a, b) => b[1] - a[1])
          .map(([key, n]) => `  ${n}\t${key}`)
          .join('\n'),
      );
      console.log(`5xx/server_error examples:\n  ${[...new Set(failures)].join('\n  ')}`);
    }
  }, 120_000);
});
