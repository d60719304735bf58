import { describe, expect, it } from 'vitest';
import { describeToolCall, isRefusal, shortError, type ToolEvent } from './tool-calls.ts';
import { WORKER_ROLES } from './worker-roles.ts';

function tool(name: string, input: Record<string, unknown>, error?: string): ToolEvent {
  return { type: 'tool', tool: name, status: error ? 'error' : 'completed', input, error };
}

const DENIED =
  'The user has specified a rule which prevents you from using this specific tool call. Here are some of the relevant rules [{"permission":"*"}]';

describe('isRefusal', () => {
  it('counts a failed call to a tool the role denies', () => {
    expect(isRefusal(tool('bash', { command: 'ls' }, 'anything'), WORKER_ROLES.scout)).toBe(true);
  });

  it('counts OpenCode’s permission refusals for tools the role allows', () => {
    expect(isRefusal(tool('read', { filePath: '.env' }, DENIED), WORKER_ROLES.review)).toBe(true);
    expect(isRefusal(tool('write', { filePath: '/elsewhere' }, DENIED), WORKER_ROLES.patch)).toBe(true);
  });

  it('does not count ordinary failures or completed calls', () => {
    expect(
      isRefusal(tool('read', { filePath: 'missing.ts' }, 'File not found: missing.ts'), WORKER_ROLES.scout),
    ).toBe(false);
    expect(isRefusal(tool('bash', { command: 'npm test' }, 'exit code 1'), WORKER_ROLES.patch)).toBe(false);
    expect(isRefusal(tool('grep', { pattern: 'x' }), WORKER_ROLES.scout)).toBe(false);
  });
});

describe('describeToolCall', () => {
  it('shows a shell command as the shell would, on one line', () => {
    expect(describeToolCall(tool('bash', { command: 'npm test\n  -- --run', description: 'x' }))).toBe(
      '$ npm test -- --run',
    );
  });

  it('shows other tools with their main argument', () => {
    expect(describeToolCall(tool('read', { filePath: 'src/a.ts', offset: 3 }))).toBe('read src/a.ts');
    expect(describeToolCall(tool('mystery', { n: 1 }))).toBe('mystery {"n":1}');
  });
});

describe('shortError', () => {
  it('keeps the first sentence of OpenCode’s long permission errors', () => {
    expect(shortError(DENIED)).toBe(
      'The user has specified a rule which prevents you from using this specific tool call.',
    );
  });
});
