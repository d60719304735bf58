/**
 * A worker bin for tests: `node worker-entry.ts <scout|review|docs|patch> <args…>` runs the worker from the sources,
 * as bin/oss-<name>.js runs it from dist/.
 */
import { runWorkerProcess } from '../../../src/cli/workers/worker-main.ts';
import type { WorkerName } from '../../../src/cli/workers/worker-roles.ts';

const [name] = process.argv.splice(2, 1);
runWorkerProcess(name as WorkerName);
