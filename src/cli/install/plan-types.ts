/**
 * What planning an install produces: every file with its content before and after, the directories to create, and
 * what to tell the user. Nothing is written until the whole plan exists, so an error anywhere writes nothing.
 */
import type { PlannedDir, PlannedFile } from '../fs/apply-changes.ts';

export interface InstallPlan {
  files: PlannedFile[];
  dirs: PlannedDir[];
  /** Things the user should know or do (shown with a `!`). */
  warnings: string[];
  /** Facts worth a line (shown with a `-`). */
  notes: string[];
}

export type ReadFile = (file: string) => string | undefined;

/** A file we generate whole: written when missing, kept when the user changed it (unless forced). */
export function ownedFile(
  path: string,
  before: string | undefined,
  after: string,
  force: boolean,
): PlannedFile {
  if (before === undefined || before === after || force) return { path, before, after };
  return {
    path,
    before,
    after: before,
    keptBecause:
      'differs from what install writes (edited?); run with --force to rewrite it (a backup is made)',
  };
}
