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
    summary:
      'open models only; a GPT model request gets a 400 that names the fix (subagent-provider, or an ocg-* main model)',
  },
  'compat-test': {
    strategy: 'oss',
    summary:
      'GPT model requests are answered by an open model (GPT_MODEL_OSS_FALLBACK): try the setup without an OpenAI credential',
  },
  openai: {
    strategy: 'openai',
    summary:
      'GPT model requests pass through to OpenAI (your forwarded Codex sign-in, or OPENAI_API_KEY): a GPT main session with OSS subagents',
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
        `${envFile} (chmod 600). To check the bridge without a key, run \`codex-oss self-test\` (offline).`,
    );
  }
  return problems;
}
