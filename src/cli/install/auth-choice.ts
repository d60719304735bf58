/**
 * Which provider auth install writes when `--auth` is not given, from what the user has: in the router topology the
 * GPT parent needs an OpenAI credential, and the one that needs nothing exported in every shell is the user's own
 * Codex sign-in, forwarded (`codex` auth). Only when the user has OPENAI_API_KEY and no sign-in does the bridge use
 * the key (`command` auth keeps Codex from asking for a sign-in it does not need).
 */
import { type CodexSignIn, describeSignIn, isSignedIn } from '../gpt-credential.ts';
import type { AuthMode, Topology } from './options.ts';

export interface AuthChoice {
  auth: AuthMode;
  reason: string;
}

export function chooseAuth(
  explicit: AuthMode | undefined,
  topology: Topology,
  signIn: CodexSignIn,
  openaiApiKey: boolean,
): AuthChoice {
  if (explicit) return { auth: explicit, reason: `chosen with --auth ${explicit}` };
  if (topology === 'subagent-provider') {
    return {
      auth: 'command',
      reason: 'the main session stays on its own provider; only agents call the bridge',
    };
  }
  if (isSignedIn(signIn)) {
    return { auth: 'codex', reason: `${describeSignIn(signIn)} is forwarded for GPT requests` };
  }
  if (openaiApiKey) {
    return {
      auth: 'command',
      reason: 'Codex is not signed in and OPENAI_API_KEY is set: the bridge uses it for GPT requests',
    };
  }
  return {
    auth: 'codex',
    reason:
      'Codex is not signed in yet and OPENAI_API_KEY is not set: the sign-in you make with `codex login` will be forwarded',
  };
}
