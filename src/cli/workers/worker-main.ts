/**
 * The process entry of the worker bins (bin/oss-scout.js and friends): runs one role with this process's argv,
 * environment, stdin and terminal.
 */
import { UsageError } from '../command.ts';
import { runWorker } from './run-worker.ts';
import { workerUsage } from './worker-args.ts';
import { WORKER_ROLES, type WorkerName } from './worker-roles.ts';

export function runWorkerProcess(name: WorkerName): void {
  const role = WORKER_ROLES[name];
  const context = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text: string) => process.stdout.write(text),
    stderr: (text: string) => process.stderr.write(text),
    stdin: { stream: process.stdin, isTTY: process.stdin.isTTY === true },
  };
  runWorker(role, process.argv.slice(2), context).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const usage = error instanceof UsageError ? `\n\n${workerUsage(role)}` : '\n';
      process.stderr.write(`${role.command}: ${(error as Error)?.message ?? String(error)}${usage}`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
