/**
 * `codex-oss`: sets a Codex project up to use the bridge. Only `--version` exists so far; install, doctor,
 * start, stop and status are not implemented yet and say so.
 */
import { VERSION } from '../version.ts';

const command = process.argv[2];
if (command === '--version' || command === '-v') {
  process.stdout.write(`${VERSION}\n`);
} else {
  process.stderr.write(
    `codex-oss ${VERSION}: '${command ?? ''}' is not implemented yet (install, doctor, start, stop and status are planned).\n` +
      'Start the bridge with `npx opencode-bridge` (or `npm start` in a checkout) and configure Codex as the README shows.\n',
  );
  process.exit(2);
}
