import { describe, expect, it } from 'vitest';
import { mergeProviderTable, providerTable } from './provider-table.ts';

const tokenFile = '/work/p/.codex-oss/state/bridge-token';

describe('providerTable', () => {
  it('authenticates with a command that prints the bridge token file', () => {
    expect(providerTable({ port: 4000, auth: 'command', tokenFile })).toEqual({
      name: 'opencode-bridge',
      base_url: 'http://127.0.0.1:4000/v1',
      wire_api: 'responses',
      request_max_retries: 4,
      stream_max_retries: 3,
      stream_idle_timeout_ms: 600_000,
      auth: { command: 'cat', args: [tokenFile] },
    });
  });

  it('or reads OPENCODE_BRIDGE_TOKEN, with instructions to set it, and never both', () => {
    const table = providerTable({ port: 4100, auth: 'env', tokenFile });
    expect(table.base_url).toBe('http://127.0.0.1:4100/v1');
    expect(table.env_key).toBe('OPENCODE_BRIDGE_TOKEN');
    expect(table.env_key_instructions).toContain(`cat '${tokenFile}'`);
    expect(table.auth).toBeUndefined();
  });

  it('or forwards the Codex sign-in, with the bridge token in a static header (nothing to export)', () => {
    expect(providerTable({ port: 4000, auth: 'codex', tokenFile, token: 'ocb_t' })).toMatchObject({
      requires_openai_auth: true,
      http_headers: { 'x-opencode-bridge-key': 'ocb_t' },
    });
    expect(() => providerTable({ port: 4000, auth: 'codex', tokenFile })).toThrow(/token/);
  });
});

describe('mergeProviderTable', () => {
  const ours = providerTable({ port: 4000, auth: 'command', tokenFile });

  it('keeps keys the user added to the table, but not a conflicting way to authenticate', () => {
    const existing = { ...ours, http_headers: { 'X-Team': 'a' }, env_key: 'OLD', base_url: 'http://old/v1' };
    expect(mergeProviderTable(existing, ours, false)).toEqual({ ...ours, http_headers: { 'X-Team': 'a' } });
  });

  it("keeps the user's own static headers but drops our key header when the auth no longer needs it", () => {
    const codex = providerTable({ port: 4000, auth: 'codex', tokenFile, token: 'ocb_t' });
    const existing = { ...codex, http_headers: { 'X-Team': 'a', 'x-opencode-bridge-key': 'ocb_t' } };
    expect(mergeProviderTable(existing, ours, false)).toEqual({ ...ours, http_headers: { 'X-Team': 'a' } });
    expect(
      mergeProviderTable({ ...ours, http_headers: { 'X-Team': 'a' } }, codex, false).http_headers,
    ).toEqual({
      'X-Team': 'a',
      'x-opencode-bridge-key': 'ocb_t',
    });
  });

  it('drops them with --force', () => {
    expect(mergeProviderTable({ ...ours, extra: 1 }, ours, true)).toEqual(ours);
  });
});
