/**
 * Writes planned files safely: only files whose content changes are written; an existing file is backed up first
 * (with its own permissions); writes go through a temporary file and a rename, so a crash never leaves half a file;
 * a file that changed on disk since it was read is refused rather than overwritten.
 */
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { backupPath } from './backup.ts';

export interface PlannedFile {
  /** Absolute path. */
  path: string;
  /** Content on disk when planned; undefined when the file does not exist. */
  before: string | undefined;
  after: string;
  /** Permissions for the file (e.g. 0o600 for secrets); otherwise an existing file keeps its own. */
  mode?: number;
  /** Set when ours differs but the file is deliberately left as it is (e.g. edited by the user, no --force). */
  keptBecause?: string;
}

export interface PlannedDir {
  path: string;
  mode: number;
}

export type FileStatus = 'created' | 'updated' | 'unchanged' | 'kept';

export interface FileOutcome {
  path: string;
  status: FileStatus;
  backup?: string;
  note?: string;
}

export interface DirOutcome {
  path: string;
  status: 'created' | 'unchanged';
}

/** A file's content, or undefined when it does not exist. */
export function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function permissions(file: string): number {
  return statSync(file).mode & 0o777;
}

function writeAtomically(file: string, content: string, mode: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.codex-oss-tmp-${process.pid}`);
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode); // the umask may have narrowed or the file may have existed
  renameSync(temporary, file);
}

export function applyFile(file: PlannedFile, now: Date): FileOutcome {
  if (file.before === file.after) {
    const outcome: FileOutcome = { path: file.path, status: file.keptBecause ? 'kept' : 'unchanged' };
    if (file.keptBecause) outcome.note = file.keptBecause;
    if (file.mode !== undefined && file.before !== undefined && (permissions(file.path) & ~file.mode) !== 0) {
      chmodSync(file.path, file.mode);
      outcome.note = `permissions tightened to ${file.mode.toString(8).padStart(4, '0')}`;
    }
    return outcome;
  }
  const onDisk = readIfExists(file.path);
  if (onDisk !== file.before) {
    throw new Error(`${file.path} changed on disk while install was running; run install again`);
  }
  if (file.before === undefined) {
    writeAtomically(file.path, file.after, file.mode ?? 0o644);
    return { path: file.path, status: 'created' };
  }
  // A symlinked file (a dotfiles repository's config.toml) is updated where it really lives; the link stays.
  const target = lstatSync(file.path).isSymbolicLink() ? realpathSync(file.path) : file.path;
  const mode = file.mode ?? permissions(target);
  const backup = backupPath(target, now);
  copyFileSync(target, backup);
  chmodSync(backup, permissions(target)); // a backup of a secret stays as private as the secret
  writeAtomically(target, file.after, mode);
  return {
    path: file.path,
    status: 'updated',
    backup,
    ...(target !== file.path ? { note: `written through the symlink to ${target}` } : {}),
  };
}

export function ensureDir(dir: PlannedDir): DirOutcome {
  try {
    if (statSync(dir.path).isDirectory()) return { path: dir.path, status: 'unchanged' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dir.path, { recursive: true, mode: dir.mode });
  chmodSync(dir.path, dir.mode);
  return { path: dir.path, status: 'created' };
}
