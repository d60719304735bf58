/**
 * codex-oss: sets a Codex project up to run open models through opencode-bridge, and checks that it works.
 */
import { VERSION } from '../version.ts';
import { type CliContext, UsageError } from './command.ts';
import { COMMANDS } from './commands.ts';

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length), 8);
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    `codex-oss ${VERSION}: run open models (OpenCode Go) as Codex subagents through opencode-bridge.`,
    '',
    'Usage: codex-oss <command> [options]   (run it inside your Codex project)',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `codex-oss <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    context.stdout(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    context.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    context.stderr(`codex-oss: unknown command '${name}'.\n\n${help()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    context.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr(`codex-oss ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    context.stderr(`codex-oss ${command.name}: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}
