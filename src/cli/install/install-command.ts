/**
 * `codex-oss install`: plan everything (reading only), then write what changed, then report.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_TOKEN_FILE } from '../../state/secrets.ts';
import type { Command } from '../command.ts';
import { applyFile, ensureDir, readIfExists } from '../fs/apply-changes.ts';
import { projectPaths, userPaths } from '../project.ts';
import { INSTALL_USAGE, parseInstallArgs } from './options.ts';
import { planInstall } from './plan-install.ts';
import { formatInstallReport } from './report.ts';

export const installCommand: Command = {
  name: 'install',
  summary: 'set this Codex project up to run OSS subagents through opencode-bridge',
  usage: INSTALL_USAGE,
  async run(args, context) {
    const options = parseInstallArgs(args);
    const paths = projectPaths(realpathSync(context.cwd));
    const plan = await planInstall({
      paths,
      user: userPaths(context.env),
      options,
      env: context.env,
      read: readIfExists,
    });
    const now = new Date();
    const dirs = plan.dirs.map(ensureDir);
    const files = plan.files.map((file) => applyFile(file, now));
    context.stdout(
      formatInstallReport({
        projectRoot: paths.root,
        choice: plan.choice,
        files,
        dirs,
        warnings: plan.warnings,
        notes: plan.notes,
        port: options.port,
        auth: plan.auth,
        gptCredential: plan.gptCredential,
        tokenFile: path.join(paths.stateDir, LOCAL_TOKEN_FILE),
      }),
    );
    return 0;
  },
};
