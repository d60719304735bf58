import { describe, expect, it, vi } from 'vitest';
import { eventViolations } from '../../test/support/event-invariants.ts';
import { BridgeError } from '../errors.ts';
import type { ResolvedModel } from '../models/catalog.ts';
import type { ModePlan } from '../modes/plan-mode.ts';
import type { RunEnd } from '../observe/run-observer.ts';
import type { ResponseEvent } from '../responses/output.ts';
import type { ResponsesRequest } from '../responses/request.ts';
import { BridgeTurnRun } from './bridge-turn-run.ts';
import type { BridgeDeps } from './deps.ts';

const plan: Extract<ModePlan, { kind: 'bridge_turn' }> = {
  kind: 'bridge_turn',
  info: {
    mode: 'context_pack_report',
    step: 'gather_evidence',
    modelCalled: false,
    decisions: ['read a.md'],
  },
  turn: {
    model: 'opencode-bridge/context-pack',
    calls: [
      { type: 'function_call', callId: 'ocb_pack_1', name: 'exec_command', arguments: '{"cmd":"cat a.md"}' },
    ],
    metadata: { opencode_bridge_mode: 'context_pack_report' },
  },
};

function turnRun(request: Partial<ResponsesRequest> = {}) {
  const saved: unknown[] = [];
  const ends: RunEnd[] = [];
  const logged: Array<{ level: string; line: Record<string, unknown>; message: string }> = [];
  const outcomes: string[] = [];
  const deps = {
    store: { saveResponse: (record: unknown) => saved.push(record) },
    metrics: {
      responses: { inc: (labels: { outcome: string }) => outcomes.push(labels.outcome) },
      clientDisconnects: { inc: () => outcomes.push('counted as a client disconnect') },
    },
    logger: {
      info: (line: Record<string, unknown>, message: string) => logged.push({ level: 'info', line, message }),
      warn: (line: Record<string, unknown>, message: string) => logged.push({ level: 'warn', line, message }),
      error: vi.fn(),
    },
  } as unknown as BridgeDeps;
  const watch = { onState: vi.fn(), onDecision: vi.fn(), onEnd: (end: RunEnd) => ends.push(end) };
  const run = new BridgeTurnRun(deps, plan, {
    request: { model: 'ocg-deepseek-v4-flash', input: [], stream: true, ...request } as ResponsesRequest,
    requestId: 'req_1',
    model: { requested: 'ocg-deepseek-v4-flash' } as ResolvedModel,
    watch,
  });
  return { run, saved, ends, logged, outcomes, watch };
}

async function drain(run: BridgeTurnRun): Promise<ResponseEvent[]> {
  const events: ResponseEvent[] = [];
  for await (const batch of run.events()) events.push(...batch);
  return events;
}

describe('BridgeTurnRun', () => {
  it('streams the turn as opening events, then the rest in one batch, numbered in order', async () => {
    const { run, watch } = turnRun();
    await run.open();
    const events = [...run.start(), ...(await drain(run))];
    expect(eventViolations(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'response.completed', response: { status: 'completed' } });
    expect(run.finished).toBe(true);
    expect(run.response?.model).toBe('opencode-bridge/context-pack');
    expect(watch.onDecision).toHaveBeenCalledWith({ source: 'mode', text: 'read a.md' });
  });

  it('keeps the sequence when a heartbeat goes out between the opening and the answer', async () => {
    const { run } = turnRun();
    const events = [...run.start(), run.heartbeat(), ...(await drain(run))];
    expect(eventViolations(events)).toEqual([]);
    expect(events[2]).toMatchObject({
      type: 'response.in_progress',
      response: { status: 'in_progress', output: [], tools: [], instructions: null },
    });
  });

  it('ends failed with the next number when stopped before its answer, and then has nothing else to send', async () => {
    const { run, ends, logged, saved } = turnRun({ store: true });
    const opening = run.start();
    const failed = run.failWith(
      new BridgeError({ status: 503, code: 'bridge_shutting_down', message: 'stopping' }),
    );
    expect(eventViolations([...opening, ...failed])).toEqual([]);
    expect(failed[0]).toMatchObject({
      type: 'response.failed',
      response: { status: 'failed', output: [], error: { code: 'server_error', message: 'stopping' } },
    });
    expect(run.failWith(new Error('again'))).toEqual([]);
    expect(await drain(run)).toEqual([]);
    run.complete(false);
    expect(saved).toEqual([]);
    expect(logged[0]).toMatchObject({
      level: 'warn',
      line: { status: 'failed', error: { code: 'bridge_shutting_down' } },
    });
    expect(ends[0]).toMatchObject({ outcome: 'failed', reason: 'server_error' });
  });

  it('once answered: stores it when asked, counts it under the bridge name and logs one line', async () => {
    const { run, saved, ends, logged, outcomes } = turnRun({ store: true });
    run.start();
    await drain(run);
    run.complete(false);
    expect(saved).toEqual([{ response: run.response, input: [] }]);
    expect(outcomes).toEqual(['completed']);
    expect(logged).toEqual([
      {
        level: 'info',
        message: 'bridge turn (no model called)',
        line: expect.objectContaining({
          requestId: 'req_1',
          servedModel: 'opencode-bridge/context-pack',
          status: 'completed',
          calls: ['ocb_pack_1'],
        }),
      },
    ]);
    expect(ends).toEqual([
      expect.objectContaining({ outcome: 'completed', servedModel: 'opencode-bridge/context-pack' }),
    ]);
  });

  it('stores nothing without store=true, and a client gone before the answer ends as a disconnect', async () => {
    const answered = turnRun();
    await drain(answered.run);
    answered.run.complete(false);
    expect(answered.saved).toEqual([]);

    const left = turnRun({ store: true });
    left.run.start();
    left.run.abort();
    expect(await drain(left.run)).toEqual([]);
    left.run.complete(true);
    expect(left.saved).toEqual([]);
    expect(left.outcomes).toEqual(['client_disconnected', 'counted as a client disconnect']);
    expect(left.ends[0]).toMatchObject({ outcome: 'client_disconnected' });
  });
});
