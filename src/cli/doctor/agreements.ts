/**
 * agreements: what AGENTS.md tells the main session — the codex-oss routing contract is there, it spawns OSS
 * agents without a full-history fork (`fork_turns: "none"` / `fork_context: false`), and it forbids recursive
 * `codex exec`. The last two are looked for in the whole file, since Codex reads all of it.
 */
import { readIfExists } from '../fs/apply-changes.ts';
import { MARKDOWN_MARKERS, MarkedBlockError, readMarkedBlock } from '../fs/marked-block.ts';
import { type Check, fail, notChecked, type Outcome, pass } from './check.ts';
import type { DoctorContext } from './context.ts';

const INSTALL = 'codex-oss install (rewrites only the block between the codex-oss markers)';

const NO_FORK = [/fork_turns\W{0,3}"none"/, /fork_context\W{0,3}false/];
const FORBIDDING = /\b(never|do not|don't|must not|forbid\w*)\b/i;

/** Runs `judge` on AGENTS.md; a missing file fails the block check and leaves the others "not checked". */
function agentsMd(
  context: DoctorContext,
  judge: (text: string, file: string) => Outcome,
  ifMissing: 'fail' | 'not checked' = 'not checked',
): Outcome {
  const file = context.paths.agentsMd;
  const text = readIfExists(file);
  if (text !== undefined) return judge(text, file);
  return ifMissing === 'fail'
    ? fail(`${file} does not exist, so the main session gets no routing contract`, INSTALL)
    : notChecked(`${file} does not exist`, INSTALL);
}

const contractBlock: Check = {
  id: 'agents-md-block',
  group: 'agreements',
  title: 'AGENTS.md codex-oss block',
  run: (context) =>
    agentsMd(
      context,
      (text, file) => {
        let block: string | undefined;
        try {
          block = readMarkedBlock(text, MARKDOWN_MARKERS, file);
        } catch (error) {
          if (!(error instanceof MarkedBlockError)) throw error;
          return fail(
            error.message,
            `leave one "${MARKDOWN_MARKERS.start}" … "${MARKDOWN_MARKERS.end}" pair in ${file}, then ${INSTALL}`,
          );
        }
        if (block === undefined) return fail(`${file} has no ${MARKDOWN_MARKERS.start} block`, INSTALL);
        return pass(`${file}: ${block.split('\n').length} lines between the markers`);
      },
      'fail',
    ),
};

const spawnsWithoutFork: Check = {
  id: 'agents-md-no-fork',
  group: 'agreements',
  title: 'No full-history fork',
  run: (context) =>
    agentsMd(context, (text, file) =>
      NO_FORK.some((pattern) => pattern.test(text))
        ? pass('tells the main session to spawn with fork_turns: "none" (fork_context: false)')
        : fail(
            `${file} never asks for fork_turns: "none", so subagents may inherit the whole GPT conversation`,
            INSTALL,
          ),
    ),
};

const forbidsRecursiveExec: Check = {
  id: 'agents-md-no-recursive-exec',
  group: 'agreements',
  title: 'No recursive codex exec',
  run: (context) =>
    agentsMd(context, (text, file) =>
      text.split('\n').some((line) => line.includes('codex exec') && FORBIDDING.test(line))
        ? pass('forbids running `codex exec` from inside Codex')
        : fail(`${file} does not forbid running \`codex exec\` from inside Codex`, INSTALL),
    ),
};

export const AGREEMENT_CHECKS: readonly Check[] = [contractBlock, spawnsWithoutFork, forbidsRecursiveExec];
