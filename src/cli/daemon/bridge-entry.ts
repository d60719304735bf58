/**
 * The script that runs the bridge, found relative to this module so it works wherever the package lives: the
 * compiled dist/bin/opencode-bridge.js in an installed package, src/bin/opencode-bridge.ts in a checkout (Node
 * runs TypeScript directly). Whichever tree this module was loaded from is the tree the bridge comes from.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function bridgeEntry(moduleUrl: string = import.meta.url): string {
  const here = fileURLToPath(moduleUrl);
  const extension = path.extname(here);
  const entry = path.resolve(path.dirname(here), '..', '..', 'bin', `opencode-bridge${extension}`);
  if (!existsSync(entry)) {
    throw new Error(
      `the bridge entry ${entry} is missing; reinstall the package from your clone (npm pack, then npm install -g ./opencode-bridge-<version>.tgz; README "Install").`,
    );
  }
  return entry;
}
