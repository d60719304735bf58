/**
 * End to end with the real Codex CLI: `codex exec` → bridge → strict mock upstream. The mock plays the model: it
 * reads what the bridge sent (the tool output Codex produced) and answers from it, so each scenario proves the
 * whole loop, and each asserts on the outcome — the final message, the file on disk — not just the exit code.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequestBody } from '../mock-upstream/index.ts';
import { stallAfter, stream, textReply, toolCallReply } from '../mock-upstream/index.ts';
import { startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { catalogEntry, runCodex } from '../support/codex-cli.ts';

let t: TestBridge;
let workDir: string;

beforeAll(async () => {
  t = await startTestBridge();
});
afterAll(() => t.close());
beforeEach(() => {
  t.upstream.requests.length = 0;
  workDir = mkdtempSync(path.join(tmpdir(), 'ocb-e2e-work-'));
  return () => rmSync(workDir, { recursive: true, force: true });
});

type Message = ChatRequestBody['messages'][number];

/** Tool outputs the bridge sent upstream, in order: Chat `tool` messages or Messages `tool_result` blocks. */
function toolOutputs(request: ChatRequestBody): string[] {
  return (request.messages as Array<Record<string, any>>).flatMap((message) => {
    if (message.role === 'tool') return [String(message.content)];
    if (message.role === 'user' && Array.isArray(message.content)) {
      return message.content
        .filter((block: any) => block.type === 'tool_result')
        .map((block: any) => String(block.content));
    }
    return [];
  });
}

/** What Codex's exec_command returned, after its "Output:" header. */
function commandOutput(content: string | undefined): string {
  return (content ?? '').split('Output:\n').at(-1)?.trim() ?? '';
}

function codex(model: string, prompt: string, extra: { catalog?: Array<Record<string, unknown>> } = {}) {
  return runCodex({ bridgeUrl: t.bridge.url, bridgeKey: t.bridge.apiKey, model, prompt, workDir, ...extra });
}

describe('real Codex CLI through the bridge', () => {
  it('completes a plain answer', async () => {
    t.upstream.script(() => textReply('Hello from the open model.', { reasoning: 'A greeting is enough.' }));
    const run = await codex('ocg-deepseek-v4-pro', 'say hello');
    expect(run.stderr).not.toMatch(/ERROR/);
    expect(run.exitCode).toBe(0);
    expect(run.finalMessage).toBe('Hello from the open model.');
    expect(t.upstream.requests[0]?.headers['x-opencode-session']).toBeTruthy();
  });

  for (const { model, idStyle } of [
    { model: 'ocg-deepseek-v4-pro', idStyle: 'openai' },
    { model: 'ocg-kimi-k2.6', idStyle: 'kimi' },
    { model: 'ocg-glm-5.1', idStyle: 'openai' },
    { model: 'ocg-minimax-m2.7', idStyle: 'openai' },
    { model: 'ocg-qwen3.6-plus', idStyle: 'openai' },
  ] as const) {
    it(`runs a tool loop with ${model}: the model runs a command and answers from its output`, async () => {
      t.upstream.script((request) => {
        const outputs = toolOutputs(request);
        if (outputs.length === 0) {
          return toolCallReply(
            [{ name: 'exec_command', arguments: JSON.stringify({ cmd: 'echo marker-$((6*7))' }) }],
            {
              reasoning: 'I should run the command to find out.',
              idStyle,
            },
          );
        }
        return textReply(`The command printed ${commandOutput(outputs.at(-1))}.`, {
          reasoning: 'Now I know.',
        });
      });
      const run = await codex(model, 'run the marker command and tell me what it printed');
      expect(run.exitCode, run.stderr).toBe(0);
      const wire =
        model.includes('minimax') || model.includes('qwen') ? '/v1/messages' : '/v1/chat/completions';
      expect(t.upstream.requests.every((request) => request.path === wire)).toBe(true);
      expect(run.commands).toEqual([
        expect.objectContaining({ command: expect.stringContaining('echo marker-'), exitCode: 0 }),
      ]);
      expect(run.finalMessage).toBe('The command printed marker-42.');
      if (idStyle === 'kimi') {
        const assistant = t.upstream.requests
          .at(-1)
          ?.body.messages.find((message: Message) => message.role === 'assistant');
        expect(assistant.tool_calls[0].id).toBe('functions.exec_command:0');
      }
    });
  }

  it('lands a file edit made with apply_patch through exec_command (the edit tool Codex offers ocg-* models)', async () => {
    writeFileSync(path.join(workDir, 'notes.txt'), 'first line\nold line\n');
    const patch = [
      "apply_patch <<'EOF'",
      '*** Begin Patch',
      '*** Update File: notes.txt',
      ' first line',
      '-old line',
      '+new line from the model',
      '*** Add File: created.txt',
      '+created by the model',
      '*** End Patch',
      'EOF',
    ].join('\n');
    t.upstream.script((request) =>
      toolOutputs(request).length === 0
        ? toolCallReply([{ name: 'exec_command', arguments: JSON.stringify({ cmd: patch }) }], {
            reasoning: 'Edit the files.',
          })
        : textReply(`Edit result: ${commandOutput(toolOutputs(request).at(-1)).split('\n')[0]}`),
    );
    const run = await codex(
      'ocg-deepseek-v4-flash',
      'replace the old line in notes.txt and create created.txt',
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(path.join(workDir, 'notes.txt'), 'utf8')).toBe(
      'first line\nnew line from the model\n',
    );
    expect(readFileSync(path.join(workDir, 'created.txt'), 'utf8')).toBe('created by the model\n');
    expect(run.finalMessage).toContain('Success');
  });

  it("lands a file edit made with Codex's freeform apply_patch tool, translated to a function call and back", async () => {
    writeFileSync(path.join(workDir, 'app.py'), 'print("hello")\n');
    const patch =
      '*** Begin Patch\n*** Update File: app.py\n-print("hello")\n+print("hello, bridge")\n*** End Patch\n';
    t.upstream.script((request) => {
      const offered = request.tools?.find((tool) => tool.function?.name === 'apply_patch');
      if (!offered) return textReply('apply_patch was not offered');
      return toolOutputs(request).length === 0
        ? toolCallReply([{ name: 'apply_patch', arguments: JSON.stringify({ input: patch }) }], {
            reasoning: 'Patch app.py.',
          })
        : textReply(`Patched: ${toolOutputs(request).at(-1)}`);
    });
    const run = await codex('ocg-deepseek-v4-pro', 'change the greeting in app.py', {
      catalog: [catalogEntry('ocg-deepseek-v4-pro', { apply_patch_tool_type: 'freeform' })],
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(path.join(workDir, 'app.py'), 'utf8')).toBe('print("hello, bridge")\n');
    expect(run.finalMessage).toContain('Success');
    const second = t.upstream.requests.at(-1)?.body;
    const call = second.messages.find((message: Message) => message.role === 'assistant').tool_calls[0];
    expect(JSON.parse(call.function.arguments)).toEqual({ input: patch });
  });

  it('survives two tool turns with DeepSeek strict reasoning replay, replaying each turn its own reasoning', async () => {
    t.upstream.script((request) => {
      const done = toolOutputs(request).length;
      if (done < 2) {
        return toolCallReply(
          [{ name: 'exec_command', arguments: JSON.stringify({ cmd: `echo step-${done + 1}` }) }],
          {
            reasoning: `Reasoning for step ${done + 1}.`,
          },
        );
      }
      return textReply(
        `Saw ${toolOutputs(request)
          .map((content) => commandOutput(content))
          .join(' and ')}.`,
        {
          reasoning: 'Both steps are done.',
        },
      );
    });
    const run = await codex('ocg-deepseek-v4-pro', 'run step one, then step two, then summarize');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.finalMessage).toBe('Saw step-1 and step-2.');
    const chatRequests = t.upstream.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(chatRequests).toHaveLength(3);
    const replayed = chatRequests[2]?.body.messages
      .filter((message: Message) => message.role === 'assistant')
      .map((message: Message & { reasoning_content?: string }) => message.reasoning_content);
    expect(replayed).toEqual(['Reasoning for step 1.', 'Reasoning for step 2.']);
  });

  it('shows a stalled partial answer as incomplete, naming the reason, instead of passing it off as complete', async () => {
    const stalling = await startTestBridge({
      env: {
        UPSTREAM_IDLE_TIMEOUT_SECONDS: '0.5',
        DEGRADED_COMPLETION_ON_TIMEOUT: '1',
        SSE_UPSTREAM_HEARTBEAT_SECONDS: '0.2',
      },
    });
    try {
      stalling.upstream.script(() =>
        stallAfter(6, 3000, stream({ text: 'partial answer text here', chunkSize: 3 })),
      );
      const run = await runCodex({
        bridgeUrl: stalling.bridge.url,
        bridgeKey: stalling.bridge.apiKey,
        model: 'ocg-deepseek-v4-flash',
        prompt: 'answer slowly',
        workDir,
      });
      expect(run.exitCode).toBe(1);
      expect(run.finalMessage).toMatch(/^partial answer/);
      expect(run.events).toContainEqual(
        expect.objectContaining({
          type: 'turn.failed',
          error: { message: 'Incomplete response returned, reason: upstream_idle_timeout' },
        }),
      );
    } finally {
      await stalling.close();
    }
  });
});
