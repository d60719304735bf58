import { describe, expect, it } from 'vitest';
import { parseLoginStatus, resolveGptCredential } from './gpt-credential.ts';

describe('parseLoginStatus', () => {
  it('reads what `codex login status` prints (0.169, 0.171) without keeping the masked key', () => {
    expect(parseLoginStatus(0, 'Logged in using ChatGPT\n')).toEqual({ state: 'chatgpt' });
    expect(
      parseLoginStatus(
        0,
        'API key configured - sk-abcde***lmnop\nAuthentication is checked when you send a request.\n',
      ),
    ).toEqual({ state: 'api_key' });
    expect(parseLoginStatus(1, 'Not logged in\n')).toEqual({ state: 'signed_out' });
    expect(parseLoginStatus(2, 'error: unexpected argument\n').state).toBe('unknown');
  });
});

describe('resolveGptCredential', () => {
  const chatgpt = { state: 'chatgpt' as const };
  const signedOut = { state: 'signed_out' as const };

  it('picks the forwarded sign-in first, as the bridge does, then OPENAI_API_KEY', () => {
    expect(
      resolveGptCredential({ forwardsSignIn: true, signIn: chatgpt, openaiApiKey: 'the environment' }),
    ).toEqual({
      kind: 'codex_sign_in',
      signIn: chatgpt,
    });
    expect(
      resolveGptCredential({ forwardsSignIn: false, signIn: chatgpt, openaiApiKey: 'the environment' }),
    ).toEqual({ kind: 'openai_api_key', where: 'the environment' });
  });

  it('names the fix when there is none: `codex login` for a forwarding profile', () => {
    const none = resolveGptCredential({ forwardsSignIn: true, signIn: signedOut, openaiApiKey: undefined });
    expect(none).toMatchObject({
      kind: 'none',
      why: 'Codex is not signed in, and the bridge has no OPENAI_API_KEY',
    });
    expect(none.kind === 'none' && none.fix).toMatch(/^run `codex login`/);
  });

  it('names install as the second step when the profile does not forward a sign-in', () => {
    const none = resolveGptCredential({ forwardsSignIn: false, signIn: chatgpt, openaiApiKey: undefined });
    expect(none.kind === 'none' && none.fix).toContain('and then `codex-oss install`');
  });
});
