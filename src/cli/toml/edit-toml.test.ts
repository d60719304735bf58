import { describe, expect, it } from 'vitest';
import { setRootKeys, setTable } from './edit-toml.ts';
import { parseToml, TomlSyntaxError } from './parse-toml.ts';

const PROVIDER = ['model_providers', 'opencode_bridge'];
const table = {
  name: 'opencode-bridge',
  base_url: 'http://127.0.0.1:4000/v1',
  wire_api: 'responses',
  auth: { command: 'cat', args: ['/p/.codex-oss/state/bridge-token'] },
};

const userConfig = [
  '# my Codex setup',
  'model = "gpt-5.5" # the default',
  '',
  '[model_providers.other]',
  '# a provider of mine',
  'name = "other"',
  'base_url = "http://other:1/v1"',
  '',
  '# notes about the next table',
  '[projects."/home/me/repo"]',
  'trust_level = "trusted"',
  '',
].join('\n');

describe('setTable', () => {
  it('appends a new table as readable sections and leaves every other line as it was', () => {
    const result = setTable(userConfig, 'config.toml', PROVIDER, table);
    expect(result.startsWith(userConfig)).toBe(true);
    expect(result.slice(userConfig.length)).toBe(
      [
        '',
        '[model_providers.opencode_bridge]',
        'name = "opencode-bridge"',
        'base_url = "http://127.0.0.1:4000/v1"',
        'wire_api = "responses"',
        '',
        '[model_providers.opencode_bridge.auth]',
        'command = "cat"',
        'args = ["/p/.codex-oss/state/bridge-token"]',
        '',
      ].join('\n'),
    );
  });

  it('changes nothing when the table already holds exactly that', () => {
    const once = setTable(userConfig, 'config.toml', PROVIDER, table);
    expect(setTable(once, 'config.toml', PROVIDER, table)).toBe(once);
  });

  it('rewrites its own table in place, keeping the comments and tables around it', () => {
    const once = setTable(userConfig, 'config.toml', PROVIDER, table);
    const moved = `${once}\n[after]\nkept = true # mine\n`;
    const changed = { ...table, base_url: 'http://127.0.0.1:4100/v1' };
    const result = setTable(moved, 'config.toml', PROVIDER, changed);
    expect(result).toBe(moved.replace('127.0.0.1:4000', '127.0.0.1:4100'));
  });

  it('removes keys and sub-tables that are no longer part of the table', () => {
    const once = setTable(userConfig, 'config.toml', PROVIDER, table);
    const { auth: _auth, ...withoutAuth } = table;
    const envAuth = { ...withoutAuth, env_key: 'OPENCODE_BRIDGE_TOKEN' };
    const result = setTable(once, 'config.toml', PROVIDER, envAuth);
    expect(parseToml(result, 'x').model_providers).toEqual({
      other: { name: 'other', base_url: 'http://other:1/v1' },
      opencode_bridge: envAuth,
    });
    expect(result).not.toContain('[model_providers.opencode_bridge.auth]');
    expect(result).toContain('# notes about the next table');
  });

  it('falls back to a verified patch when the table is written as dotted keys', () => {
    const dotted = 'model_providers.opencode_bridge.name = "old" # mine\n\n[other]\nx = 1\n';
    const result = setTable(dotted, 'config.toml', PROVIDER, table);
    expect(parseToml(result, 'x')).toEqual({ model_providers: { opencode_bridge: table }, other: { x: 1 } });
  });

  it('adds a table under a parent written as an inline table without breaking the file', () => {
    const inline = 'model_providers = { other = { name = "o" } }\n';
    const result = setTable(inline, 'config.toml', PROVIDER, table);
    expect(parseToml(result, 'x').model_providers).toEqual({ other: { name: 'o' }, opencode_bridge: table });
  });

  it('quotes keys that need it, such as project paths', () => {
    const result = setTable('', 'config.toml', ['projects', '/tmp/my project'], { trust_level: 'trusted' });
    expect(result).toBe('[projects."/tmp/my project"]\ntrust_level = "trusted"\n');
  });

  it('places comments under the header, so they stay with the table when it is rewritten', () => {
    const once = setTable('', 'c.toml', ['t'], { a: 1 }, { comments: ['managed by us'] });
    expect(once).toBe('[t]\n# managed by us\na = 1\n');
    expect(setTable(once, 'c.toml', ['t'], { a: 2 }, { comments: ['managed by us'] })).toBe(
      '[t]\n# managed by us\na = 2\n',
    );
  });

  it('keeps Windows line endings', () => {
    const crlf = 'a = 1\r\n';
    expect(setTable(crlf, 'c.toml', ['t'], { b: 2 })).toBe('a = 1\r\n\r\n[t]\r\nb = 2\r\n');
  });

  it('reports invalid TOML with the file, line and column, and what to do', () => {
    const broken = 'model = "gpt-5.5"\nname = \n[x]\n';
    expect(() => setTable(broken, '/home/me/.codex/config.toml', PROVIDER, table)).toThrow(TomlSyntaxError);
    expect(() => setTable(broken, '/home/me/.codex/config.toml', PROVIDER, table)).toThrow(
      /^\/home\/me\/\.codex\/config\.toml:3:1: invalid TOML: .+ Fix the file/,
    );
  });
});

describe('setRootKeys', () => {
  it('writes a new file as plain key lines', () => {
    expect(setRootKeys('', 'p.toml', { model_provider: 'opencode_bridge' })).toBe(
      'model_provider = "opencode_bridge"\n',
    );
  });

  it('adds keys above the first table, keeping comments', () => {
    const text = '# profile\n[projects."/a"]\ntrust_level = "trusted"\n';
    const result = setRootKeys(text, 'p.toml', { model_provider: 'opencode_bridge' });
    expect(parseToml(result, 'x')).toEqual({
      model_provider: 'opencode_bridge',
      projects: { '/a': { trust_level: 'trusted' } },
    });
    expect(result).toContain('# profile');
  });

  it('changes only the value of an existing key and removes keys set to undefined', () => {
    const text = 'model_provider = "old" # why\nmodel_catalog_json = "/x.json"\n\n[t]\na = 1\n';
    const result = setRootKeys(text, 'p.toml', { model_provider: 'new', model_catalog_json: undefined });
    expect(result).toBe('model_provider = "new" # why\n\n[t]\na = 1\n');
  });

  it('returns the text unchanged when the keys already hold those values', () => {
    const text = 'model_provider = "opencode_bridge" # mine\n';
    expect(setRootKeys(text, 'p.toml', { model_provider: 'opencode_bridge' })).toBe(text);
  });
});
