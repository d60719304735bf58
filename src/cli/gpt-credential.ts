/**
 * Where the GPT parent's OpenAI credential comes from in the router topology, as install, start and doctor see it:
 * the user's own Codex sign-in (a ChatGPT account or an API key, `codex login status`), which Codex forwards through
 * the bridge when the provider has `requires_openai_auth`; or the bridge's own OPENAI_API_KEY; or nothing yet.
 * Codex 0.169 does not read OPENAI_API_KEY for such a provider (observed: no Authorization header without a
 * sign-in), so the variable only ever helps on the bridge's side. docs/codex-auth.md has the observations.
 */
import { execFile } from 'node:child_process';

type Env = Readonly<Record<string, string | undefined>>;

/** What `codex login status` says about the user's CODEX_HOME. */
export type CodexSignIn =
  | { state: 'chatgpt' }
  | { state: 'api_key' }
  | { state: 'signed_out' }
  /** Codex was not found, or answered something we cannot read. */
  | { state: 'unknown'; why: string };

const LOGIN_STATUS_TIMEOUT_MS = 60_000;

/**
 * `codex login status` prints (to stderr, with exit code 0) "Logged in using ChatGPT" or "API key configured - sk-…"
 * (0.169 and 0.171), and "Not logged in" with exit code 1. Only the first words are read: the rest may name a key.
 */
export function parseLoginStatus(exitCode: number, output: string): CodexSignIn {
  if (/^Logged in using ChatGPT/m.test(output)) return { state: 'chatgpt' };
  if (/^(API key configured|Logged in using an API key)/m.test(output)) return { state: 'api_key' };
  if (/^Not logged in/m.test(output) || exitCode === 1) return { state: 'signed_out' };
  return {
    state: 'unknown',
    why: `\`codex login status\` exited with ${exitCode} and an answer codex-oss cannot read`,
  };
}

/**
 * Asks the installed Codex about the user's own sign-in: it runs with the user's CODEX_HOME (unlike the other Codex
 * probes), and `login status` only reads it (observed: nothing is written there).
 */
export function codexSignIn(codex: string | undefined, env: Env): Promise<CodexSignIn> {
  if (!codex) return Promise.resolve({ state: 'unknown', why: 'the Codex CLI was not found' });
  return new Promise((resolve) => {
    const child = execFile(
      codex,
      ['login', 'status'],
      { env: { ...env, RUST_LOG: 'error' }, timeout: LOGIN_STATUS_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error ? (error as { code?: unknown }).code : 0;
        if (typeof code !== 'number') {
          resolve({ state: 'unknown', why: `\`codex login status\` failed: ${(error as Error).message}` });
          return;
        }
        resolve(parseLoginStatus(code, `${stdout}\n${stderr}`.replace(/^\n+/, '')));
      },
    );
    child.stdin?.end();
  });
}

export function describeSignIn(signIn: CodexSignIn): string {
  switch (signIn.state) {
    case 'chatgpt':
      return 'your Codex sign-in (ChatGPT account)';
    case 'api_key':
      return 'your Codex sign-in (API key)';
    case 'signed_out':
      return 'Codex is not signed in';
    case 'unknown':
      return `Codex's sign-in is unknown (${signIn.why})`;
    default: {
      const unknown: never = signIn;
      throw new Error(`unknown sign-in ${String(unknown)}`);
    }
  }
}

export function isSignedIn(signIn: CodexSignIn): boolean {
  return signIn.state === 'chatgpt' || signIn.state === 'api_key';
}

/** The credential GPT requests will travel with; `none` names what the user can do. */
export type GptCredential =
  | { kind: 'codex_sign_in'; signIn: CodexSignIn }
  | { kind: 'openai_api_key'; where: string }
  | { kind: 'none'; why: string; fix: string };

export interface CredentialFacts {
  /** The provider Codex uses has `requires_openai_auth = true`: Codex forwards its sign-in. */
  forwardsSignIn: boolean;
  signIn: CodexSignIn;
  /** Where the bridge gets OPENAI_API_KEY from ("the environment", a file), or undefined when it has none. */
  openaiApiKey: string | undefined;
}

export const SIGN_IN_FIX =
  '`codex login` (your ChatGPT account; `codex login --with-api-key` for an API key)';

/** The credential a GPT request gets, in the order the bridge picks it (a forwarded sign-in first). */
export function resolveGptCredential(facts: CredentialFacts): GptCredential {
  if (facts.forwardsSignIn && isSignedIn(facts.signIn))
    return { kind: 'codex_sign_in', signIn: facts.signIn };
  if (facts.openaiApiKey) return { kind: 'openai_api_key', where: facts.openaiApiKey };
  const keyFix = 'set OPENAI_API_KEY for the bridge and restart it';
  if (facts.forwardsSignIn) {
    return {
      kind: 'none',
      why: `${describeSignIn(facts.signIn)}, and the bridge has no OPENAI_API_KEY`,
      fix: `run ${SIGN_IN_FIX}; the codex-oss profile forwards it (or ${keyFix})`,
    };
  }
  return {
    kind: 'none',
    why: 'the bridge has no OPENAI_API_KEY, and the codex-oss profile sends only the bridge key (no sign-in to forward)',
    fix: `${keyFix}, or run ${SIGN_IN_FIX} and then \`codex-oss install\` (the profile then forwards your sign-in)`,
  };
}

export function describeCredential(credential: Exclude<GptCredential, { kind: 'none' }>): string {
  return credential.kind === 'codex_sign_in'
    ? `${describeSignIn(credential.signIn)}, forwarded by the bridge`
    : `OPENAI_API_KEY (${credential.where})`;
}
