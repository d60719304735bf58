/**
 * Every real Codex 0.169 request we captured, sent through the bridge to each model family, must be accepted by
 * the strict mock upstream (developer roles, reasoning replay, Moonshot schemas, tool pairing, session header).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postResponses, startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { eventViolations } from '../support/event-invariants.ts';
import { readCodexRequest } from '../support/fixtures.ts';

const CAPTURES = readdirSync(path.join(import.meta.dirname, '..', 'fixtures', 'codex-requests'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));
const MODELS = ['ocg-deepseek-v4-pro', 'ocg-deepseek-v4-flash', 'ocg-kimi-k2.6', 'ocg-glm-5.1'];

let t: TestBridge;
beforeAll(async () => {
  t = await startTestBridge();
});
afterAll(() => t.close());

describe.each(MODELS)('captured Codex requests for %s', (model) => {
  it.each(CAPTURES)('%s is accepted upstream and answered', async (capture) => {
    const { headers, body } = readCodexRequest(capture);
    const before = t.upstream.requests.length;
    const { status, events, json } = await postResponses(
      t.baseUrl,
      { ...body, model },
      { 'session-id': headers['session-id'] ?? '' },
    );
    expect(json, JSON.stringify(json)).toBeUndefined();
    expect(status).toBe(200);
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)?.type).toBe('response.completed');
    const sent = t.upstream.requests[before];
    expect(sent?.headers['x-opencode-session']).toBe(headers['session-id']);
  });
});
