/**
 * `codex-oss`: the project setup CLI. See src/cli/main.ts.
 */
import { runCli } from '../cli/main.ts';

runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`codex-oss: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
