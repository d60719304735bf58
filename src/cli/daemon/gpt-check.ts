/**
 * `start --mode openai` checks what GPT requests will travel with, as install did: the Codex sign-in the profile
 * forwards, else the bridge's OPENAI_API_KEY (from the shell or the project's env file). A bridge without either
 * still starts — open models work — but says so, with the fix, before the first GPT request fails.
 */
import { effectiveProvider, loadConfigFiles } from '../doctor/config-files.ts';
import { codexSignIn, type GptCredential, resolveGptCredential } from '../gpt-credential.ts';
import { findCodex } from '../install/codex-cli.ts';
import { type ProjectPaths, userPaths } from '../project.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Where the bridge's OPENAI_API_KEY comes from, or undefined when it has none. */
export function openaiKeySource(shell: Env, bridgeEnv: Env, envFile: string): string | undefined {
  if (!bridgeEnv.OPENAI_API_KEY?.trim()) return undefined;
  return shell.OPENAI_API_KEY?.trim() ? 'the environment' : envFile;
}

/** Whether the provider Codex uses forwards the user's sign-in (`requires_openai_auth = true`). */
export function providerForwardsSignIn(paths: ProjectPaths, shell: Env): boolean {
  const provider = effectiveProvider(loadConfigFiles(paths, userPaths(shell)));
  return provider?.table.requires_openai_auth === true;
}

export async function gptCredentialAtStart(
  paths: ProjectPaths,
  shell: Env,
  bridgeEnv: Env,
): Promise<GptCredential> {
  const forwardsSignIn = providerForwardsSignIn(paths, shell);
  const signIn = forwardsSignIn
    ? await codexSignIn(findCodex(shell, paths.root), shell)
    : ({ state: 'unknown', why: 'not asked: the profile does not forward it' } as const);
  return resolveGptCredential({
    forwardsSignIn,
    signIn,
    openaiApiKey: openaiKeySource(shell, bridgeEnv, paths.envFile),
  });
}
