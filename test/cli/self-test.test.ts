/**
 * The offline self-test: it passes on a working bridge, from both entry points, and its checks catch what they
 * are there to catch.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UPSTREAM_TURNS } from '../../src/self-test/conversation.ts';
import { runSelfTest } from '../../src/self-test/run-self-test.ts';
import { streamShapeProblems } from '../../src/self-test/stream-events.ts';
import { codexOss, testEnv } from './daemon-harness.ts';

function captured() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    output: {
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
    },
  };
}

describe('self-test', () => {
  it('passes against the real bridge and a scripted upstream', async () => {
    const { out, output } = captured();
    expect(await runSelfTest(output)).toBe(0);
    expect(out.stdout).toMatch(/self-test passed\n$/);
    expect(out.stdout).toContain('ok    turn 1: exec_command tool call streamed');
    expect(out.stdout).toContain(
      'ok    upstream got Chat Completions requests it accepts (reasoning replayed)',
    );
    expect(out.stderr).toBe('');
  });

  it('runs as `codex-oss self-test`', async () => {
    const run = await codexOss(process.cwd(), testEnv(), 'self-test');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('self-test passed');
  });

  it('runs as `opencode-bridge --self-test`, with no key and no network', () => {
    const entry = path.resolve('src/bin/opencode-bridge.ts');
    const run = spawnSync(process.execPath, [entry, '--self-test'], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('self-test passed');
  });

  it('fails a second turn whose tool call comes back without its reasoning', () => {
    const problems = UPSTREAM_TURNS[1]?.problems({
      model: 'deepseek-v4-pro',
      stream: true,
      messages: [
        { role: 'user', content: 'Which files are in this project?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', function: { name: 'exec_command', arguments: '{"cmd":"ls"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'README.md\nsrc' },
      ],
    });
    expect(problems).toEqual([
      expect.stringContaining('reasoning was not replayed on the tool-call message'),
    ]);
  });

  it('fails a stream that skips sequence numbers or never completes', () => {
    const problems = streamShapeProblems([
      { type: 'response.created', sequence_number: 0 },
      { type: 'response.output_item.added', sequence_number: 2, output_index: 0, item: { id: 'msg_1' } },
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        'event 1 (response.output_item.added) has sequence_number 2',
        'output 0 was never done',
        expect.stringContaining('expected exactly one terminal event'),
      ]),
    );
  });
});
