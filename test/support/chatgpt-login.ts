/**
 * A stand-in ChatGPT sign-in for the real Codex CLI: `$CODEX_HOME/auth.json` in the shape Codex writes after
 * `codex login` with a ChatGPT account (openai/codex, codex-rs/login: AuthDotJson, TokenData, IdTokenInfo) — the
 * tokens are unsigned JWTs whose claims Codex reads (email, plan type, ChatGPT account and user ids).
 *
 * Codex refreshes ChatGPT tokens over the network only when the access token's `exp` has passed (or, without `exp`,
 * when `last_refresh` is older than 8 days), so both are set to never trigger it; tests also point
 * CODEX_REFRESH_TOKEN_URL_OVERRIDE at a loopback recorder to prove no refresh was tried.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ChatgptLogin {
  accessToken: string;
  accountId: string;
  idToken: string;
  refreshToken: string;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned JWT (Codex decodes the claims without checking a signature). */
function jwt(claims: Record<string, unknown>): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.c3RhbmQtaW4`;
}

/** 2100-01-01: far enough that Codex never finds the token expired. */
const NEVER_EXPIRES = 4_102_444_800;

export function writeChatgptLogin(codexHome: string, accountId = 'acct-stand-in-42'): ChatgptLogin {
  const auth = {
    chatgpt_plan_type: 'plus',
    chatgpt_user_id: 'user-stand-in-1',
    chatgpt_account_id: accountId,
  };
  const email = 'stand-in@example.com';
  const login: ChatgptLogin = {
    accountId,
    idToken: jwt({ email, exp: NEVER_EXPIRES, 'https://api.openai.com/auth': auth }),
    accessToken: jwt({
      exp: NEVER_EXPIRES,
      'https://api.openai.com/auth': auth,
      'https://api.openai.com/profile': { email },
    }),
    refreshToken: 'rt-stand-in-never-used',
  };
  mkdirSync(codexHome, { recursive: true });
  writeFileSync(
    path.join(codexHome, 'auth.json'),
    JSON.stringify(
      {
        auth_mode: 'chatgpt',
        OPENAI_API_KEY: null,
        tokens: {
          id_token: login.idToken,
          access_token: login.accessToken,
          refresh_token: login.refreshToken,
          account_id: accountId,
        },
        last_refresh: new Date().toISOString(),
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  return login;
}
