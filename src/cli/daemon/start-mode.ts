/**
 * The three ways `codex-oss start` runs the bridge, and what each needs before it may start.
 */
import type { GptModelStrategy } from '../../config.ts';
import type { StartMode } from './pid-file.ts';

interface ModeSpec {
  strategy: GptModelStrategy;
  summary: string;
}

export const START_MODES: Readonly<Record<StartMode, ModeSpec>> = {
  production: {
    strategy: 'error',
    summary: 'open models only; GPT model requests are refused with a clear error (needs an OpenCode Go key)',
  },
  'compat-test': {
    strategy: 'oss',
    summary: 'GPT model requests are answered by an open model, for trying Codex setups out',
  },
  openai: {
    strategy: 'openai',
    summary:
      "router: GPT models pass through to the OpenAI API untouched (OPENAI_API_KEY, or the caller's Codex sign-in)",
  },
};

export function isStartMode(value: string): value is StartMode {
  return Object.hasOwn(START_MODES, value);
}

export function startModeOfStrategy(strategy: string): StartMode | undefined {
  return (Object.keys(START_MODES) as StartMode[]).find((mode) => START_MODES[mode].strategy === strategy);
}

/** Why the mode cannot start with this environment (empty when it can). */
export function modeProblems(
  mode: StartMode,
  env: Readonly<Record<string, string | undefined>>,
  envFile: string,
): string[] {
  const problems: string[] = [];
  if (mode === 'production' && !env.OPENCODE_GO_API_KEY?.trim()) {
    problems.push(
      'production mode needs an OpenCode Go key. Get one at https://opencode.ai, then either ' +
        '`export OPENCODE_GO_API_KEY=<key>` or put `OPENCODE_GO_API_KEY=<key>` in ' +
        `${envFile} (chmod 600). To try the bridge without a key, use --mode compat-test with ` +
        'ALLOW_MISSING_OPENCODE_KEY=1.',
    );
  }
  return problems;
}

/** What may not work in this mode with this environment, though the bridge can start. */
export function modeWarnings(
  mode: StartMode,
  env: Readonly<Record<string, string | undefined>>,
  envFile: string,
): string[] {
  if (mode !== 'openai' || env.OPENAI_API_KEY?.trim()) return [];
  return [
    'openai mode without OPENAI_API_KEY: GPT requests are passed through with the Codex sign-in of whoever sends ' +
      'them (`codex-oss install --auth codex`); a request without one gets 401. To use an API key instead, ' +
      `\`export OPENAI_API_KEY=<key>\` or add it to ${envFile}.`,
  ];
}
