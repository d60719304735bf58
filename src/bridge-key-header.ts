/**
 * Where a client may present the bridge key besides `Authorization: Bearer`: Codex providers with
 * `requires_openai_auth` send the user's own OpenAI credentials as Authorization (forwarded for GPT models), so the
 * bridge key then travels in this header (`env_http_headers` in the provider). The server checks it; the GPT
 * pass-through never forwards it.
 */
export const BRIDGE_KEY_HEADER = 'x-opencode-bridge-key';
