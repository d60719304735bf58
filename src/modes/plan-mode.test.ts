import { describe, expect, it } from 'vitest';
import { type CodexTurn, codexTurn, withTask } from '../../test/support/codex-turns.ts';
import { loadConfig } from '../config.ts';
import { planGuardrails } from '../guardrails/plan.ts';
import { type ModePlan, planMode } from './plan-mode.ts';

// The defaults, as a bridge started without any guardrail variable has them.
const config = loadConfig({ OPENCODE_GO_API_KEY: 'test-key' }).guardrails;

function plan(turn: CodexTurn, subagent = true): ModePlan {
  const guardrails = planGuardrails(turn.items, true, subagent, config);
  return planMode({ ...turn, guardrails, subagent, config });
}

function expectKind<K extends ModePlan['kind']>(result: ModePlan, kind: K): Extract<ModePlan, { kind: K }> {
  expect(result.kind).toBe(kind);
  return result as Extract<ModePlan, { kind: K }>;
}

describe('planMode', () => {
  it('does nothing where guardrails do not apply (the main session)', () => {
    expect(plan(codexTurn('modes_pack-00'), false)).toEqual({ kind: 'none' });
  });

  it('does nothing for a task without a handoff', () => {
    expect(plan(codexTurn('basic-00'))).toEqual({ kind: 'none' });
  });

  describe('context_pack_report', () => {
    it('answers the first turn itself with the evidence reads for Codex to run', () => {
      const turn = expectKind(plan(codexTurn('modes_pack-00')), 'bridge_turn');
      expect(turn.turn.model).toBe('opencode-bridge/context-pack');
      expect(
        turn.turn.calls.map((call) => [
          call.callId,
          call.type === 'function_call' && JSON.parse(call.arguments).cmd,
        ]),
      ).toEqual([
        ['ocb_pack_1', "grep -n -- 'TIMEOUT' 'src/config.ts'"],
        ['ocb_pack_2', "cat -- 'docs/notes.md'"],
      ]);
      expect(turn.info).toEqual({
        mode: 'context_pack_report',
        step: 'gather_evidence',
        modelCalled: false,
        decisions: [
          'handoff (markers): context_pack_report, chosen from its paths and deliverable',
          expect.stringContaining(
            'No model was called for this turn: the bridge asked Codex to run 2 evidence read(s)',
          ),
        ],
      });
      expect(turn.turn.metadata).toMatchObject({
        opencode_bridge_mode: 'context_pack_report',
        opencode_bridge_model_called: 'false',
      });
    });

    it('gives the model one no-tools synthesis call with the pack in place of the bridge’s calls', () => {
      const turn = expectKind(plan(codexTurn('modes_pack-01')), 'model');
      expect(turn.request.tools).toEqual([]);
      expect(turn.items.some((item) => 'callId' in item && item.callId.startsWith('ocb_pack_'))).toBe(false);
      const last = turn.items.at(-1);
      expect(last).toMatchObject({ type: 'message', role: 'user' });
      expect(last?.type === 'message' && last.content[0]?.type === 'text' && last.content[0].text).toMatch(
        /^\[opencode-bridge\] Evidence pack for your task[\s\S]*2:export const TIMEOUT_SECONDS = 300;/,
      );
      expect(turn.guardrails.request.withdrawTools).toBe(false);
      expect(turn.guardrails.finalizerChain).toBeUndefined();
      expect(turn.info.step).toBe('synthesis');
      expect(turn.info.decisions).toContain(
        'synthesis call: the pack as an [opencode-bridge] user message, no tools',
      );
    });

    it('falls back to managed_autonomy when the request offers no shell tool', () => {
      const captured = codexTurn('modes_pack-00');
      const turn = expectKind(plan({ ...captured, request: { ...captured.request, tools: [] } }), 'model');
      expect(turn.info.mode).toBe('managed_autonomy');
      expect(turn.info.decisions).toContain(
        'context_pack_report needs a shell tool and the request offers none: managed_autonomy instead',
      );
    });
  });

  it('managed_autonomy: keeps the tools and adds the evidence ledger as a system note', () => {
    const turn = expectKind(plan(codexTurn('modes_managed-02')), 'model');
    expect(turn.info.mode).toBe('managed_autonomy');
    expect(turn.request.tools?.length).toBeGreaterThan(0);
    expect(turn.items).toEqual(codexTurn('modes_managed-02').items);
    expect(turn.guardrails.request.instructions.at(-1)).toMatch(
      /^\[opencode-bridge\] Evidence ledger for this task/,
    );
    expect(turn.guardrails.request.instructions.at(-1)).toContain('`sed -n 1,40p src/config.ts`');
  });

  describe('bounded_write_exact (no model at any step)', () => {
    it('turn 1: the writes', () => {
      const turn = expectKind(plan(codexTurn('modes_write-00')), 'bridge_turn');
      expect(turn.turn.model).toBe('opencode-bridge/writer');
      expect(turn.turn.calls.map((call) => `${call.callId} ${call.type} ${call.name}`)).toEqual([
        'ocb_write_1 custom_tool_call apply_patch',
        'ocb_write_2 function_call exec_command',
      ]);
      expect(turn.info.decisions).toContain('write out/result.txt: apply_patch (Add File, custom tool)');
    });

    it('turn 2: the read-back', () => {
      const turn = expectKind(plan(codexTurn('modes_write-01')), 'bridge_turn');
      expect(turn.turn.calls.map((call) => call.callId)).toEqual(['ocb_verify_1', 'ocb_verify_2']);
      expect(turn.info.step).toBe('read_back');
    });

    it("turn 3: the bridge's labelled verification report", () => {
      const turn = expectKind(plan(codexTurn('modes_write-02')), 'bridge_turn');
      expect(turn.turn).toMatchObject({ model: 'opencode-bridge/verifier', calls: [] });
      expect(turn.turn.message).toMatch(
        /^\[opencode-bridge verification — written by the bridge, not by a model\]\n/,
      );
      expect(turn.turn.metadata.opencode_bridge_note).toContain('verification PASS (2 of 2 path(s) match)');
    });

    it('fails closed when a write leaves OWNED PATHS', () => {
      const block = JSON.stringify({
        mode: 'bounded_write_exact',
        owned_paths: ['out/'],
        writes: [{ path: 'src/x.ts', content: '' }],
      });
      const turn = withTask(codexTurn('modes_write-00'), `\`\`\`codex-oss-handoff\n${block}\n\`\`\``);
      expect(() => plan(turn)).toThrow('write path "src/x.ts" is outside OWNED PATHS (out/); refused');
    });
  });

  it('no_tool_exact: the model, without tools, told the exact form; its answer is checked', () => {
    const block = JSON.stringify({ mode: 'no_tool_exact', exact_output: 'VERSION=1.4.2' });
    const turn = expectKind(
      plan(
        withTask(codexTurn('basic-00'), `Print the version line.\n\`\`\`codex-oss-handoff\n${block}\n\`\`\``),
      ),
      'model',
    );
    expect(turn.exactOutput).toBe('VERSION=1.4.2');
    expect(turn.request.tools).toEqual([]);
    expect(turn.items.some((item) => item.type === 'additional_tools')).toBe(false);
    expect(turn.guardrails.request.instructions.at(-1)).toContain(
      '----- BEGIN EXACT OUTPUT -----\nVERSION=1.4.2\n',
    );
  });
});
