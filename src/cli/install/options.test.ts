import { describe, expect, it } from 'vitest';
import { UsageError } from '../command.ts';
import { parseInstallArgs } from './options.ts';

describe('parseInstallArgs', () => {
  it('defaults to port 4000, no trust, no force, and a probed topology and auth', () => {
    expect(parseInstallArgs([])).toEqual({
      port: 4000,
      trust: false,
      force: false,
      keyFromEnv: false,
    });
  });

  it('reads every flag', () => {
    expect(
      parseInstallArgs([
        '--topology',
        'subagent-provider',
        '--port=4100',
        '--auth',
        'env',
        '--trust',
        '--force',
        '--key-from-env',
      ]),
    ).toEqual({
      topology: 'subagent-provider',
      port: 4100,
      auth: 'env',
      trust: true,
      force: true,
      keyFromEnv: true,
    });
  });

  it('reads a custom agent with its defaults', () => {
    expect(parseInstallArgs(['--agent', 'oss-glm', '--model', 'ocg-glm-5.1']).agent).toEqual({
      name: 'oss-glm',
      model: 'ocg-glm-5.1',
      effort: 'medium',
      sandbox: 'read-only',
    });
    expect(
      parseInstallArgs([
        '--agent',
        'oss-qwen',
        '--model',
        'ocg-qwen3.6-plus',
        '--effort',
        'high',
        '--sandbox',
        'workspace-write',
        '--description',
        'USE ME WHEN x. DO NOT USE FOR y.',
      ]).agent,
    ).toEqual({
      name: 'oss-qwen',
      model: 'ocg-qwen3.6-plus',
      effort: 'high',
      sandbox: 'workspace-write',
      description: 'USE ME WHEN x. DO NOT USE FOR y.',
    });
  });

  for (const [args, message] of [
    [['--topology', 'mesh'], /--topology must be one of router, subagent-provider/],
    [['--port', '70000'], /--port must be a TCP port/],
    [['--auth', 'token'], /--auth must be one of command, env/],
    [['--agent', 'Bad_Name', '--model', 'm'], /--agent must be lowercase/],
    [['--agent', 'worker', '--model', 'm'], /shadow Codex's built-in 'worker' role/],
    [['--agent', 'oss-x'], /--agent needs --model ID/],
    [['--agent', 'oss-kimi-rapid', '--model', 'm'], /one of the shipped agents/],
    [['--model', 'ocg-glm-5.1'], /--model only goes with --agent NAME/],
    [['--agent', 'oss-x', '--model', 'm', '--sandbox', 'danger-full-access'], /--sandbox must be one of/],
    [['--bogus'], /Unknown option '--bogus'/],
  ] as const) {
    it(`refuses ${args.join(' ')}`, () => {
      expect(() => parseInstallArgs(args)).toThrow(UsageError);
      expect(() => parseInstallArgs(args)).toThrow(message);
    });
  }
});
