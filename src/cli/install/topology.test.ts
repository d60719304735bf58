import { describe, expect, it } from 'vitest';
import { chooseTopology, honoursAgentProviders, parseCodexVersion } from './topology.ts';

describe('parseCodexVersion', () => {
  it('reads the version from `codex --version`', () => {
    expect(parseCodexVersion('codex-cli 0.169.0\n')).toBe('0.169.0');
    expect(parseCodexVersion('codex-cli 0.170.0-alpha.2')).toBe('0.170.0-alpha.2');
    expect(parseCodexVersion('command not found')).toBeUndefined();
  });
});

describe('chooseTopology', () => {
  it('picks router for Codex 0.169, which ignores agent providers, and says why', () => {
    const choice = chooseTopology(undefined, '0.169.0');
    expect(choice.topology).toBe('router');
    expect(choice.reason).toMatch(/Codex 0\.169\.0 ignores an agent's model_provider/);
  });

  it('picks router when Codex was not found', () => {
    expect(chooseTopology(undefined, undefined)).toMatchObject({
      topology: 'router',
      reason: expect.stringMatching(/not found/),
    });
  });

  it('follows --topology, warning when the installed Codex cannot make subagent-provider work', () => {
    expect(chooseTopology('router', '0.169.0').topology).toBe('router');
    const choice = chooseTopology('subagent-provider', '0.169.0');
    expect(choice.topology).toBe('subagent-provider');
    expect(choice.reason).toMatch(/use --topology router with this version/);
  });

  it('knows no version that honours agent providers yet', () => {
    expect(honoursAgentProviders('0.169.0')).toBe(false);
    expect(honoursAgentProviders('9.0.0')).toBe(false);
  });
});
