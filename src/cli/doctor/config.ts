/**
 * config: the Codex config files parse, the bridge's provider is defined where Codex reads provider keys (the user
 * config or the codex-oss profile — a project's .codex/config.toml is ignored for them), the project is trusted,
 * and the main session's model_provider matches the topology. The provider table's own settings are checked in
 * config-provider.ts, the model catalog in config-catalog.ts.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BACKUP_INFIX } from '../fs/backup.ts';
import { type TrustLevel, trustLevelOf } from '../install/trust.ts';
import { PROVIDER_ID } from '../project.ts';
import { type Check, checkWith, fail, notChecked, type Outcome, pass, warn } from './check.ts';
import {
  brokenLayer,
  type CodexConfigFiles,
  codexLayers,
  effectiveProvider,
  layeredValue,
  providerTableIn,
  type TomlDoc,
  usesProfile,
} from './config-files.ts';
import type { DoctorContext } from './context.ts';

const PROVIDER_TABLE = `[model_providers.${PROVIDER_ID}]`;

function newestBackup(file: string): string | undefined {
  try {
    const prefix = `${path.basename(file)}${BACKUP_INFIX}`;
    const backups = readdirSync(path.dirname(file)).filter((name) => name.startsWith(prefix));
    const newest = backups.sort().at(-1);
    return newest ? path.join(path.dirname(file), newest) : undefined;
  } catch {
    return undefined;
  }
}

export function syntaxFix(doc: TomlDoc): string {
  const error = doc.error;
  const where = error?.line === undefined ? doc.file : `line ${error.line} of ${doc.file}`;
  const backup = newestBackup(doc.file);
  const restore = backup ? `, or restore the backup: cp '${backup}' '${doc.file}'` : '';
  return `edit ${where} (${error?.reason ?? 'invalid TOML'})${restore}`;
}

const tomlSyntax: Check = {
  id: 'toml-syntax',
  group: 'config',
  title: 'TOML files parse',
  run({ files }) {
    const all = [files.user, files.profile, files.project, ...files.agents];
    const broken = all.filter((doc) => doc.error);
    const [first] = broken;
    if (first?.error) {
      const where = first.error.line === undefined ? first.file : `${first.file}:${first.error.line}`;
      const others =
        broken.length > 1
          ? ` (and ${broken.length - 1} more: ${broken
              .slice(1)
              .map((doc) => doc.file)
              .join(', ')})`
          : '';
      return fail(`${where}: ${first.error.reason}; Codex cannot read this file${others}`, syntaxFix(first));
    }
    const present = all.filter((doc) => doc.text !== undefined);
    return pass(
      `${present.length} files parse (${present.map((doc) => path.basename(doc.file)).join(', ')})`,
    );
  },
};

/** A check of the files Codex layers (user config, profile); "not checked" while one does not parse. */
function layersCheck(id: string, title: string, judge: (context: DoctorContext) => Outcome): Check {
  return checkWith<undefined>(
    { id, group: 'config', title },
    ({ files }) => {
      const broken = brokenLayer(files);
      return broken
        ? { met: false, outcome: notChecked(`${broken.file} does not parse`, syntaxFix(broken)) }
        : { met: true, value: undefined };
    },
    (_, context) => judge(context),
  );
}

function projectProviderKeys(doc: TomlDoc): string[] {
  return ['model_provider', 'model_providers'].filter((key) => doc.data && Object.hasOwn(doc.data, key));
}

const providerLocation = layersCheck(
  'provider-location',
  'Provider where Codex reads it',
  ({ files, user, topology }) => {
    const effective = effectiveProvider(files);
    const ignored = projectProviderKeys(files.project);
    if (!effective) {
      if (providerTableIn(files.project)) {
        return fail(
          `${PROVIDER_TABLE} is only in ${files.project.file}, where Codex ignores provider keys`,
          `codex-oss install (writes it to ${user.profileConfig}), then delete ${PROVIDER_TABLE} from ${files.project.file}`,
        );
      }
      return fail(
        `${PROVIDER_TABLE} is defined in neither ${user.userConfig} nor ${user.profileConfig}`,
        'codex-oss install',
      );
    }
    if (ignored.length > 0) {
      return warn(
        `${files.project.file} also sets ${ignored.join(' and ')}, which Codex ignores there (with a warning)`,
        `delete ${ignored.join(' and ')} from ${files.project.file}`,
      );
    }
    const how = usesProfile(files) ? `, used with \`codex --profile codex-oss\`` : '';
    return pass(`in ${effective.doc.file} (${topology} topology${how})`);
  },
);

/** The trust Codex applies to the project, and the file that records it (the profile's entry wins). */
export function projectTrust(
  files: CodexConfigFiles,
  root: string,
): { level: TrustLevel; doc: TomlDoc } | undefined {
  for (const doc of codexLayers(files)) {
    const level = doc.data ? trustLevelOf(doc.data, root) : undefined;
    if (level) return { level, doc };
  }
  return undefined;
}

const trust = layersCheck('trust', 'Project trusted', ({ files, paths }) => {
  const found = projectTrust(files, paths.root);
  if (found?.level === 'trusted') return pass(`trusted in ${found.doc.file}`);
  const ignoredDir = "Codex ignores this project's .codex/ (the OSS agents and the rules)";
  if (found?.level === 'untrusted') {
    return fail(
      `${found.doc.file} marks ${paths.root} as untrusted: ${ignoredDir}`,
      'codex-oss install --trust --force',
    );
  }
  return fail(`${paths.root} is not trusted: ${ignoredDir}`, 'codex-oss install --trust');
});

const topLevelProvider = layersCheck(
  'model-provider',
  'model_provider fits topology',
  ({ files, topology, user }) => {
    if (!topology) return notChecked('no provider is defined', 'codex-oss install');
    const resolved = layeredValue(files, 'model_provider');
    if (topology === 'subagent-provider') {
      return pass(
        `the main session stays on ${String(resolved?.value ?? 'openai')}; only the OSS agents use the bridge`,
      );
    }
    if (resolved?.value === PROVIDER_ID) {
      return pass(
        `model_provider = "${PROVIDER_ID}" in ${resolved.doc.file}: the bridge routes every request by model`,
      );
    }
    const current = resolved ? `"${String(resolved.value)}" (${resolved.doc.file})` : 'the default (openai)';
    return fail(
      `router topology, but the main session's model_provider is ${current}, so OSS subagents never reach the bridge`,
      `codex-oss install (sets model_provider = "${PROVIDER_ID}" in ${user.profileConfig})`,
    );
  },
);

export const CONFIG_CHECKS: readonly Check[] = [tomlSyntax, providerLocation, trust, topLevelProvider];
