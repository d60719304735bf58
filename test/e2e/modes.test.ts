/**
 * Subagent task modes end to end with the real Codex CLI: `codex exec` → bridge (OSS_GUARDRAILS=all, so the exec
 * session itself is in scope, as a spawned subagent would be) → strict mock upstream. Codex runs every command and
 * every write the bridge asks for with its own tools, inside its own sandbox, in a temporary project; the tests
 * check the outcome on disk and in the final message, and how many model calls were made.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { textReply } from '../mock-upstream/index.ts';
import { startTestBridge, type TestBridge } from '../support/bridge-harness.ts';
import { type CodexOptions, catalogEntry, runCodex } from '../support/codex-cli.ts';

let t: TestBridge;
let workDir: string;

beforeAll(async () => {
  t = await startTestBridge({ env: { OSS_GUARDRAILS: 'all' } });
});
afterAll(() => t.close());
beforeEach(() => {
  t.upstream.requests.length = 0;
  workDir = mkdtempSync(path.join(tmpdir(), 'ocb-e2e-modes-'));
  return () => rmSync(workDir, { recursive: true, force: true });
});

function writeProjectFile(name: string, content: string): void {
  mkdirSync(path.dirname(path.join(workDir, name)), { recursive: true });
  writeFileSync(path.join(workDir, name), content);
}

/** `codex exec` in the temporary project, with Codex's own sandbox. */
const codex = (options: Omit<CodexOptions, 'bridgeUrl' | 'bridgeKey' | 'workDir'>) =>
  runCodex({ bridgeUrl: t.bridge.url, bridgeKey: t.bridge.apiKey, workDir, ...options });
const writeTask = (handoff: unknown) =>
  `TASK: write the generated files.\n\`\`\`codex-oss-handoff\n${JSON.stringify(handoff, null, 2)}\n\`\`\``;

const textOf = (message: { content?: unknown }): string =>
  typeof message.content === 'string' ? message.content : JSON.stringify(message.content);

describe('subagent task modes with the real Codex CLI', () => {
  it('context_pack_report: Codex runs the evidence reads in its read-only sandbox; one no-tools model call answers from the pack', async () => {
    writeProjectFile('src/config.ts', 'export const RETRIES = 2;\nexport const TIMEOUT_SECONDS = 300;\n');
    writeProjectFile('docs/notes.md', '# Notes\nTimeouts were 90 s before the fix.\n');
    t.upstream.script((request) => {
      const pack = request.messages
        .map(textOf)
        .find((text) => text.includes('[opencode-bridge] Evidence pack'));
      const line = pack?.match(/^\d+:export const TIMEOUT_SECONDS = \d+;$/m)?.[0];
      return textReply(line ? `RESULT: src/config.ts line ${line}` : 'RESULT: no pack reached me');
    });
    const run = await codex({
      model: 'ocg-deepseek-v4-flash',
      sandbox: 'read-only',
      prompt: [
        'TASK: Report the request timeout default.',
        'READ-ONLY PATHS: src/config.ts, docs/notes.md',
        'OWNED PATHS: none',
        'DELIVERABLE: the line that sets the timeout, quoted with its line number.',
        'grep TIMEOUT in src/config.ts',
      ].join('\n'),
    });
    expect(run.exitCode, run.stderr).toBe(0);
    // Codex may run the two calls in parallel: their order of completion varies.
    expect(run.commands).toHaveLength(2);
    expect(run.commands).toEqual(
      expect.arrayContaining([
        {
          command: expect.stringContaining("grep -n -- 'TIMEOUT' 'src/config.ts'"),
          exitCode: 0,
          output: '2:export const TIMEOUT_SECONDS = 300;\n',
        },
        {
          command: expect.stringContaining("cat -- 'docs/notes.md'"),
          exitCode: 0,
          output: '# Notes\nTimeouts were 90 s before the fix.\n',
        },
      ]),
    );
    expect(run.finalMessage).toBe('RESULT: src/config.ts line 2:export const TIMEOUT_SECONDS = 300;');
    expect(t.upstream.requests).toHaveLength(1);
    const synthesis = t.upstream.requests[0]?.body;
    expect(synthesis).not.toHaveProperty('tools');
    expect(synthesis.messages.map(textOf).join('\n')).toContain('Timeouts were 90 s before the fix.');
  });

  it('bounded_write_exact: Codex writes the exact bytes with its own tools in its workspace-write sandbox; the bridge reports PASS, labelled, with no model call', async () => {
    writeProjectFile('out/result.txt', 'stale content that must be replaced\n');
    const writes = [
      { path: 'out/result.txt', content: 'line one\n  indented\ttab \n*** End Patch\n' },
      { path: 'out/nested/no-newline.txt', content: 'no final newline\r\nand a CRLF' },
    ];
    const run = await codex({
      model: 'ocg-deepseek-v4-pro',
      sandbox: 'workspace-write',
      catalog: [catalogEntry('ocg-deepseek-v4-pro', { apply_patch_tool_type: 'freeform' })],
      prompt: writeTask({ mode: 'bounded_write_exact', owned_paths: ['out/'], writes }),
    });
    expect(run.exitCode, run.stderr).toBe(0);
    for (const write of writes)
      expect(readFileSync(path.join(workDir, write.path), 'utf8')).toBe(write.content);
    expect(run.finalMessage).toMatch(
      /^\[opencode-bridge verification — written by the bridge, not by a model\]\n/,
    );
    expect(run.finalMessage).toContain('PASS out/result.txt');
    expect(run.finalMessage).toContain('PASS out/nested/no-newline.txt');
    expect(run.finalMessage).toContain('Result: PASS (2 of 2');
    expect(t.upstream.requests).toHaveLength(0);
    // result.txt went through apply_patch (a file_change); the content apply_patch cannot reproduce went through
    // the shell tool as base64; both were read back with sha256sum.
    const patched = run.events.filter(
      (event) => event.type === 'item.completed' && event.item?.type === 'file_change',
    );
    expect(patched.map((event) => event.item?.changes)).toEqual([
      [expect.objectContaining({ path: expect.stringMatching(/out\/result\.txt$/) })],
    ]);
    expect(run.commands.map((command) => command.command).sort()).toEqual([
      expect.stringContaining("| base64 -d > 'out/nested/no-newline.txt'"),
      expect.stringContaining("sha256sum -- 'out/nested/no-newline.txt'"),
      expect.stringContaining("sha256sum -- 'out/result.txt'"),
    ]);
  });

  it('bounded_write_exact: a write outside OWNED PATHS fails the turn with the path named, and nothing is written', async () => {
    const run = await codex({
      model: 'ocg-deepseek-v4-pro',
      sandbox: 'workspace-write',
      prompt: writeTask({
        mode: 'bounded_write_exact',
        owned_paths: ['out/'],
        writes: [{ path: 'src/app.ts', content: 'x\n' }],
      }),
    });
    expect(run.exitCode).toBe(1);
    const failed = run.events.find((event) => event.type === 'turn.failed');
    const error = JSON.parse(failed?.error.message).error;
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_handoff' });
    expect(error.message).toContain('write path "src/app.ts" is outside OWNED PATHS (out/); refused');
    expect(existsSync(path.join(workDir, 'src/app.ts'))).toBe(false);
    expect(t.upstream.requests).toHaveLength(0);
  });
});
