import { describe, expect, it } from 'vitest';
import { codexTurn } from '../../test/support/codex-turns.ts';
import { commandOfCall, commandResult, editToolOf, shellToolOf } from './codex-tools.ts';

describe('the tools a Codex request offers', () => {
  it('finds exec_command and asks for a non-login shell where the tool allows it', () => {
    const { request, items } = codexTurn('modes_pack-00');
    const shell = shellToolOf(request, items);
    expect(shell?.name).toBe('exec_command');
    expect(JSON.parse(shell?.argumentsFor("cat -- 'a.md'") ?? '')).toEqual({
      cmd: "cat -- 'a.md'",
      login: false,
    });
    expect(editToolOf(request, items)).toBeUndefined();
  });

  it("finds Codex's freeform apply_patch when the model catalog asks for it", () => {
    const { request, items } = codexTurn('modes_write-00');
    expect(editToolOf(request, items)).toEqual({ kind: 'custom', name: 'apply_patch' });
  });

  it('drives the other shell tool types with their own argument shapes', () => {
    const tool = (name: string, command: unknown) => ({
      type: 'function',
      name,
      parameters: { type: 'object', properties: { command } },
    });
    const shellCommand = shellToolOf(
      { model: 'm', input: [], tools: [tool('shell_command', { type: 'string' })] },
      [],
    );
    expect(shellCommand?.argumentsFor('ls')).toBe('{"command":"ls"}');
    const shell = shellToolOf({ model: 'm', input: [], tools: [tool('shell', { type: 'array' })] }, []);
    expect(shell?.argumentsFor('ls')).toBe('{"command":["bash","-lc","ls"]}');
    expect(shellToolOf({ model: 'm', input: [], tools: [] }, [])).toBeUndefined();
  });
});

describe('commandOfCall', () => {
  it('reads the command line of every shell tool shape, and nothing from other tools', () => {
    expect(commandOfCall('exec_command', '{"cmd":"rg -n x src","login":false}')).toBe('rg -n x src');
    expect(commandOfCall('shell_command', '{"command":"ls"}')).toBe('ls');
    expect(commandOfCall('shell', '{"command":["bash","-lc","cat a"]}')).toBe('cat a');
    expect(commandOfCall('shell', '{"command":["ls","-la"]}')).toBe('ls -la');
    expect(commandOfCall('view_image', '{"path":"a.png"}')).toBeUndefined();
    expect(commandOfCall('exec_command', 'not json')).toBeUndefined();
  });
});

describe('commandResult', () => {
  it("splits Codex's exec_command report into the exit code and the output", () => {
    const output =
      'Chunk ID: f267d1\nWall time: 0.0000 seconds\nProcess exited with code 1\nOriginal token count: 10\nOutput:\ncat: x: No such file\n';
    expect(commandResult(output)).toEqual({ exitCode: 1, body: 'cat: x: No such file\n' });
  });

  it("reads apply_patch's report too, and leaves any other text whole", () => {
    expect(commandResult('Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess.\n')).toEqual({
      exitCode: 0,
      body: 'Success.\n',
    });
    expect(commandResult('plain text\nOutput:\nnot a header')).toEqual({
      exitCode: undefined,
      body: 'plain text\nOutput:\nnot a header',
    });
  });
});
