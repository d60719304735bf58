/**
 * `codex-oss self-test`: runs `opencode-bridge --self-test` (the bridge's own offline check) and passes its output
 * on. The CLI talks to the bridge through its process and HTTP only; it never loads the bridge's code.
 */
import { spawn } from 'node:child_process';
import { type CliContext, type Command, UsageError } from './command.ts';
import { bridgeEntry } from './daemon/bridge-entry.ts';

function runBridgeSelfTest(context: CliContext): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bridgeEntry(), '--self-test'], {
      cwd: context.cwd,
      env: { PATH: context.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (text: string) => context.stdout(text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => context.stderr(text));
    child.on('error', (error) => {
      context.stderr(`codex-oss self-test: could not run the bridge: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

export const selfTestCommand: Command = {
  name: 'self-test',
  summary: 'Offline check of translation and streaming (scripted upstream, no key needed)',
  usage:
    'Usage: codex-oss self-test\n\n' +
    'Runs `opencode-bridge --self-test`: a scripted upstream and the bridge on loopback ports with a throwaway\n' +
    'state directory, a streaming tool-call round trip with reasoning replay through the Responses API, then\n' +
    '"self-test passed" (exit 0) or what failed (exit 1). Touches nothing in the project.',
  async run(args, context) {
    if (args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
    return runBridgeSelfTest(context);
  },
};
