import { describe, expect, it } from 'vitest';
import { chooseAuth } from './auth-choice.ts';

describe('chooseAuth', () => {
  const chatgpt = { state: 'chatgpt' as const };
  const apiKey = { state: 'api_key' as const };
  const signedOut = { state: 'signed_out' as const };

  it('forwards the Codex sign-in in the router topology, a ChatGPT account or an API key', () => {
    expect(chooseAuth(undefined, 'router', chatgpt, false)).toEqual({
      auth: 'codex',
      reason: 'your Codex sign-in (ChatGPT account) is forwarded for GPT requests',
    });
    expect(chooseAuth(undefined, 'router', apiKey, true).auth).toBe('codex');
  });

  it('lets the bridge use OPENAI_API_KEY when that is all the user has', () => {
    expect(chooseAuth(undefined, 'router', signedOut, true).auth).toBe('command');
  });

  it('forwards the sign-in the user will make when there is nothing yet', () => {
    expect(chooseAuth(undefined, 'router', signedOut, false)).toMatchObject({ auth: 'codex' });
    expect(chooseAuth(undefined, 'router', { state: 'unknown', why: 'no codex' }, false).auth).toBe('codex');
  });

  it('keeps the command for subagent-provider, and an explicit --auth always', () => {
    expect(chooseAuth(undefined, 'subagent-provider', chatgpt, false).auth).toBe('command');
    expect(chooseAuth('env', 'router', chatgpt, false)).toEqual({
      auth: 'env',
      reason: 'chosen with --auth env',
    });
  });
});
