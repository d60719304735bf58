/**
 * A Chat → Responses translator as the bridge builds one, for unit tests of the stream translation.
 */
import { randomBytes } from 'node:crypto';
import type { ResponseEcho } from '../../src/responses/echo.ts';
import { createReasoningCarrier } from '../../src/translate/reasoning-carrier.ts';
import { ChatToResponsesTranslator, type StreamTranslatorOptions } from '../../src/translate/stream.ts';
import { ToolNames } from '../../src/translate/tools.ts';

export const testCarrier = createReasoningCarrier(randomBytes(32));

export const TEST_ECHO: ResponseEcho = {
  instructions: null,
  metadata: {},
  parallel_tool_calls: true,
  tool_choice: 'auto',
  tools: [],
  temperature: null,
  top_p: null,
  max_output_tokens: null,
  previous_response_id: null,
  store: false,
};

/**
 * Tool names as Codex offers them: shell, image viewer, freeform apply_patch, a namespaced tool, local_shell, and
 * its client-run tool_search.
 */
export function codexToolNames(): ToolNames {
  const names = new ToolNames();
  names.register({ kind: 'function', name: 'exec_command' });
  names.register({ kind: 'function', name: 'view_image' });
  names.register({ kind: 'custom', name: 'apply_patch' });
  names.register({ kind: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1' });
  names.register({ kind: 'local_shell', name: 'local_shell' });
  names.register({ kind: 'tool_search', name: 'tool_search' });
  return names;
}

export function testTranslator(overrides: Partial<StreamTranslatorOptions> = {}): ChatToResponsesTranslator {
  return new ChatToResponsesTranslator({
    responseId: 'resp_test',
    model: 'ocg-test',
    upstreamModel: 'test-model',
    createdAt: 1,
    names: codexToolNames(),
    carrier: testCarrier,
    thinkTags: false,
    exposeEmptyReasoningItem: false,
    echo: TEST_ECHO,
    ...overrides,
  });
}
