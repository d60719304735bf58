import { describe, expect, it } from 'vitest';
import { mergeDeep, opencodeEnvironment, providerConfig } from './opencode-environment.ts';
import { READ_ONLY_PERMISSION } from './opencode-permissions.ts';
import { WORKER_ROLES } from './worker-roles.ts';

describe('providerConfig', () => {
  it('points opencode-go at the bridge’s key variable (OpenCode substitutes {env:…}) and base URL', () => {
    expect(providerConfig({ key: 'sk', baseUrl: 'http://127.0.0.1:1/v1' })).toEqual({
      'opencode-go': { options: { apiKey: '{env:OPENCODE_GO_API_KEY}', baseURL: 'http://127.0.0.1:1/v1' } },
    });
    expect(providerConfig({ key: undefined, baseUrl: undefined })).toBeUndefined();
  });
});

describe('opencodeEnvironment', () => {
  it('defines the role’s agent and binds every agent to the same permissions', () => {
    const env = opencodeEnvironment(
      WORKER_ROLES.docs,
      { PATH: '/bin' },
      { key: undefined, baseUrl: undefined },
    );
    expect(JSON.parse(env.OPENCODE_CONFIG_CONTENT ?? '')).toEqual({
      agent: {
        'oss-docs': {
          mode: 'primary',
          description: WORKER_ROLES.docs.summary,
          permission: READ_ONLY_PERMISSION,
        },
      },
    });
    expect(JSON.parse(env.OPENCODE_PERMISSION ?? '')).toEqual(READ_ONLY_PERMISSION);
    expect(env.PATH).toBe('/bin');
  });

  it('puts a key from the project’s key file into the environment OpenCode substitutes from', () => {
    const env = opencodeEnvironment(WORKER_ROLES.scout, {}, { key: 'sk-file', baseUrl: undefined });
    expect(env.OPENCODE_GO_API_KEY).toBe('sk-file');
  });

  it('merges over the user’s own OPENCODE_PERMISSION, ours winning', () => {
    const env = opencodeEnvironment(
      WORKER_ROLES.scout,
      { OPENCODE_PERMISSION: '{"bash":"allow","webfetch":"ask"}' },
      { key: undefined, baseUrl: undefined },
    );
    expect(JSON.parse(env.OPENCODE_PERMISSION ?? '')).toMatchObject({ bash: 'deny', webfetch: 'deny' });
  });

  it('refuses user settings that are not JSON objects', () => {
    const none = { key: undefined, baseUrl: undefined };
    expect(() => opencodeEnvironment(WORKER_ROLES.scout, { OPENCODE_PERMISSION: '"allow"' }, none)).toThrow(
      'OPENCODE_PERMISSION must be a JSON object',
    );
  });
});

describe('mergeDeep', () => {
  it('merges objects key by key and lets anything else replace', () => {
    expect(mergeDeep({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2], e: 'x' })).toEqual({
      a: { b: 1, c: 3 },
      d: [2],
      e: 'x',
    });
  });
});
