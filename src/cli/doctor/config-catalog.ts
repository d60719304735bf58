/**
 * config, the model catalog (`model_catalog_json`): the installed Codex still loads it, it knows the OSS agents'
 * models and the GPT model the user's config picks, and it is not older than the installed Codex (a catalog
 * replaces Codex's built-in list, so GPT models a newer Codex adds would be unknown until install refreshes it).
 */
import path from 'node:path';
import { readIfExists } from '../fs/apply-changes.ts';
import { isBridgeRole } from '../install/agent-role.ts';
import { bundledCatalogOutput, catalogLoadProblem } from '../install/codex-cli.ts';
import { parseBundledCatalog } from '../install/model-catalog.ts';
import { type Check, fail, notChecked, type Outcome, pass, warn } from './check.ts';
import { layeredValue, type TomlDoc } from './config-files.ts';
import type { DoctorContext } from './context.ts';

const OSS_PREFIX = /^(ocg-|opencode-go\/)/;

/** Where model_catalog_json is set (profile or user config, else the project config), resolved to a path. */
function catalogReference(context: DoctorContext): { file: string; doc: TomlDoc } | undefined {
  const { files } = context;
  const layered = layeredValue(files, 'model_catalog_json');
  const project = files.project.data?.model_catalog_json;
  const found = layered ?? (project === undefined ? undefined : { value: project, doc: files.project });
  if (typeof found?.value !== 'string') return undefined;
  return { file: path.resolve(path.dirname(found.doc.file), found.value), doc: found.doc };
}

function agentModels(context: DoctorContext): string[] {
  return context.files.agents
    .flatMap((doc) => (doc.data && isBridgeRole(doc.data) ? [String(doc.data.model)] : []))
    .filter((model) => OSS_PREFIX.test(model));
}

/** The GPT model the user's config picks for the main session, if any. */
function configuredGptModel(context: DoctorContext): string | undefined {
  const model = layeredValue(context.files, 'model')?.value;
  return typeof model === 'string' && !OSS_PREFIX.test(model) ? model : undefined;
}

function catalogSlugs(json: string): Set<string> {
  const models = (JSON.parse(json) as { models?: Array<{ slug?: unknown }> }).models ?? [];
  return new Set(models.map((entry) => String(entry.slug)));
}

async function judgeCatalog(
  file: string,
  json: string,
  codex: string,
  context: DoctorContext,
): Promise<Outcome> {
  const problem = await catalogLoadProblem(codex, context.env, json, agentModels(context));
  if (problem)
    return fail(
      `Codex does not load ${file}: ${problem}`,
      'codex-oss install (rebuilds it with the installed Codex)',
    );
  const slugs = catalogSlugs(json);
  const bundled = parseBundledCatalog(await bundledCatalogOutput(codex, context.env)).map(
    (entry) => entry.slug,
  );
  const gpt = configuredGptModel(context);
  if (gpt && !slugs.has(gpt)) {
    const detail = `${file} lacks ${gpt}, the model your config uses, so Codex runs it with fallback metadata`;
    return bundled.includes(gpt)
      ? fail(detail, "codex-oss install (copies the installed Codex's GPT entries into the catalog)")
      : warn(
          `${detail} (the installed Codex does not know it either)`,
          `pick a model \`codex debug models\` lists, e.g. model = "${bundled[0] ?? 'gpt-5.5'}"`,
        );
  }
  const newer = bundled.filter((slug) => !slugs.has(slug));
  if (newer.length > 0) {
    return warn(
      `the installed Codex knows models the catalog lacks (${newer.join(', ')}): it was made for an older Codex`,
      'codex-oss install (refreshes the catalog from the installed Codex)',
    );
  }
  return pass(`${file} loads (${slugs.size} models${gpt ? `, including ${gpt}` : ''})`);
}

const modelCatalog: Check = {
  id: 'model-catalog',
  group: 'config',
  title: 'Model catalog loads',
  async run(context) {
    const reference = catalogReference(context);
    if (!reference) {
      const where =
        context.topology === 'subagent-provider' ? context.user.userConfig : context.user.profileConfig;
      const fix = readIfExists(context.paths.catalogFile)
        ? `add model_catalog_json = "${context.paths.catalogFile}" to ${where}`
        : 'codex-oss install';
      return warn('no model_catalog_json: Codex warns "Model metadata … not found" for ocg-* models', fix);
    }
    const json = readIfExists(reference.file);
    if (json === undefined) {
      return fail(`${reference.doc.file} names ${reference.file}, which does not exist`, 'codex-oss install');
    }
    const codex = await context.codex();
    if (!codex) return notChecked('the Codex CLI was not found', 'npm install -g @openai/codex');
    return judgeCatalog(reference.file, json, codex.path, context);
  },
};

export const CATALOG_CHECKS: readonly Check[] = [modelCatalog];
