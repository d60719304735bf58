/**
 * What every codex-oss command gets: where it runs, the environment (read only here and in config.ts), and where
 * to print. Commands return their exit code instead of calling process.exit, so tests can run them in-process.
 */

export interface CliContext {
  /** The Codex project the command acts on. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: readonly string[], context: CliContext): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
