#!/usr/bin/env node
// Launcher: checks the Node version with syntax every Node understands, then runs the compiled oss-review worker.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `oss-review needs Node.js 22.18 or newer (24 recommended); this is ${process.version}.\n`,
  );
  process.exit(1);
}
import('../dist/cli/workers/worker-main.js').then((worker) => worker.runWorkerProcess('review'));
