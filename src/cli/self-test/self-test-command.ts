/**
 * `codex-oss self-test`: the same offline check as `opencode-bridge --self-test`.
 */
import { type Command, UsageError } from '../command.ts';
import { runSelfTest } from './run-self-test.ts';

export const selfTestCommand: Command = {
  name: 'self-test',
  summary: 'Offline check of translation and streaming (scripted upstream, no key needed)',
  usage:
    'Usage: codex-oss self-test\n\n' +
    'Starts a scripted upstream and the bridge on loopback ports with a throwaway state directory, plays a\n' +
    'streaming tool-call round trip with reasoning replay through the Responses API, and prints\n' +
    '"self-test passed" (exit 0) or what failed (exit 1). Touches nothing in the project.',
  async run(args, context) {
    if (args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
    return runSelfTest(context);
  },
};
