import { describe, expect, it } from 'vitest';
import { doneItems, eventViolations } from '../../test/support/event-invariants.ts';
import { echoOf } from '../responses/echo.ts';
import { bridgeTurnEvents } from './bridge-turn.ts';

const frame = {
  responseId: 'resp_test1',
  createdAt: 1_795_000_000,
  echo: echoOf({ model: 'ocg-deepseek-v4-pro', input: [], metadata: { run: 'r1' } }),
};

describe('bridgeTurnEvents', () => {
  it('emits tool calls as a model turn would, with usage null and the bridge named as the model', () => {
    const { events, response } = bridgeTurnEvents(
      {
        model: 'opencode-bridge/context-pack',
        calls: [
          {
            type: 'function_call',
            callId: 'ocb_pack_1',
            name: 'exec_command',
            arguments: '{"cmd":"cat -- \'a.md\'"}',
          },
          {
            type: 'custom_tool_call',
            callId: 'ocb_write_1',
            name: 'apply_patch',
            input: '*** Begin Patch\n*** End Patch\n',
          },
        ],
        metadata: { opencode_bridge_mode: 'context_pack_report' },
      },
      frame,
    );
    expect(eventViolations(events)).toEqual([]);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]).toMatchObject({
      item: { type: 'function_call', arguments: '', status: 'in_progress' },
    });
    expect(doneItems(events)).toEqual([
      {
        type: 'function_call',
        id: 'fc_test1_1',
        call_id: 'ocb_pack_1',
        name: 'exec_command',
        arguments: '{"cmd":"cat -- \'a.md\'"}',
        status: 'completed',
      },
      {
        type: 'custom_tool_call',
        id: 'ctc_test1_2',
        call_id: 'ocb_write_1',
        name: 'apply_patch',
        input: '*** Begin Patch\n*** End Patch\n',
        status: 'completed',
      },
    ]);
    expect(response).toMatchObject({
      id: 'resp_test1',
      status: 'completed',
      model: 'opencode-bridge/context-pack',
      usage: null,
      metadata: { run: 'r1', opencode_bridge_mode: 'context_pack_report' },
      output: doneItems(events),
    });
    expect(events[0]).toMatchObject({ response: { status: 'in_progress', output: [] } });
  });

  it("writes the bridge's labelled message", () => {
    const message = '[opencode-bridge verification — written by the bridge, not by a model]\nPASS a.txt';
    const { events, response } = bridgeTurnEvents(
      { model: 'opencode-bridge/verifier', calls: [], message, metadata: {} },
      frame,
    );
    expect(eventViolations(events)).toEqual([]);
    expect(response.output).toEqual([
      {
        type: 'message',
        id: 'msg_test1_1',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: message, annotations: [] }],
      },
    ]);
  });

  it('refuses a message that is not labelled as the bridge’s', () => {
    expect(() =>
      bridgeTurnEvents(
        { model: 'opencode-bridge/verifier', calls: [], message: 'All good.', metadata: {} },
        frame,
      ),
    ).toThrow('[opencode-bridge …] label');
  });
});
