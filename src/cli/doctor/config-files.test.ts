import { describe, expect, it } from 'vitest';
import { parseToml } from '../toml/parse-toml.ts';
import { type CodexConfigFiles, effectiveProvider, installedTopology, type TomlDoc } from './config-files.ts';

function doc(file: string, text?: string): TomlDoc {
  return { file, text, data: text === undefined ? undefined : parseToml(text, file), error: undefined };
}

const PROVIDER = '[model_providers.opencode_bridge]\nbase_url = "http://127.0.0.1:4000/v1"\n';

function files(user?: string, profile?: string): CodexConfigFiles {
  return {
    user: doc('config.toml', user),
    profile: doc('codex-oss.config.toml', profile),
    project: doc('.codex/config.toml'),
    agents: [],
  };
}

describe('the topology the Codex config files describe', () => {
  it('is router when the profile sends the main session to the bridge', () => {
    const router = files('', `model_provider = "opencode_bridge"\n${PROVIDER}`);
    expect(installedTopology(router)).toBe('router');
    expect(effectiveProvider(router)?.doc.file).toBe('codex-oss.config.toml');
  });

  it('is router when the user config itself does', () => {
    expect(installedTopology(files(`model_provider = "opencode_bridge"\n${PROVIDER}`))).toBe('router');
  });

  it('is subagent-provider when only the user config defines the provider', () => {
    const subagent = files(PROVIDER);
    expect(installedTopology(subagent)).toBe('subagent-provider');
    expect(effectiveProvider(subagent)?.doc.file).toBe('config.toml');
  });

  it('is none when no file Codex reads defines the provider', () => {
    expect(installedTopology(files('model = "gpt-5.5"\n'))).toBeUndefined();
  });
});
