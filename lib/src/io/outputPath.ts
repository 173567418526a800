/*
 * Output paths, checked before anything is written. memgeo only ever replaces or deletes what it wrote
 * itself: a writer says how it recognises its own output (`isOurs`), and anything else in the way is
 * refused with a message. File-system failures (a read-only folder, a file where a folder should be)
 * become `InputError`s that say what could not be written and why, never a stack trace.
 */

import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way',
  EISDIR: 'it is a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOENT: 'no such file or folder',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
};

/** An errno error (EACCES, ENOTDIR, ...) as an InputError naming the path; any other error unchanged. */
export function fileSystemError(err: unknown, verb: string, target: string): Error {
  if (err instanceof InputError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (!code || !(code in REASONS)) return err as Error;
  let reason = REASONS[code];
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    const blocker = fileInTheWay(target);
    if (blocker) reason = `${blocker} is a file, not a folder`;
  }
  return new InputError(`cannot ${verb} ${target}: ${reason}`);
}

/** The nearest existing ancestor of `p` (or `p` itself) when it is not a folder. */
function fileInTheWay(p: string): string | null {
  let cur = path.resolve(p);
  for (;;) {
    try {
      return fs.statSync(cur).isDirectory() ? null : cur;
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return null;
      cur = up;
    }
  }
}

/**
 * The stats of `p`, or null when nothing is there: missing, or a file where a parent folder should be
 * (the mkdir that follows then names that file). Other failures (permissions) are InputErrors.
 */
function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw fileSystemError(err, 'write into', p);
  }
}

/** Create a folder (and its parents) with clear errors; a file at `dir` is an error. */
export function ensureDir(dir: string): void {
  const st = statOrNull(dir);
  if (st) {
    if (!st.isDirectory()) throw new InputError(`cannot write into ${dir}: it is a file, not a folder`);
    return;
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fileSystemError(err, 'create folder', dir);
  }
}

export interface OutputFileGuard {
  /** What is written, for messages, e.g. 'the rewinding table'. */
  what: string;
  /** Whether the file at the path is memgeo's own output of this kind (then it may be replaced). */
  isOurs: (file: string) => boolean;
  /** Why a file is taken as foreign, e.g. 'it has no rewinding.meta.json beside it'. */
  why?: string;
}

/**
 * Check a file path before writing it: a folder there is an error, an existing file that is not
 * memgeo's own output (`isOurs`) is refused, and the parent folder is created.
 */
export function guardOutputFile(file: string, guard: OutputFileGuard): void {
  const st = statOrNull(file);
  if (st?.isDirectory()) throw new InputError(`cannot write ${guard.what} to ${file}: it is a folder; give the path of a file`);
  if (st && !guard.isOurs(file)) {
    throw new InputError(
      `${file} exists and is not ${guard.what} written by memgeo${guard.why ? ` (${guard.why})` : ''}; refusing to replace it. Choose another path, or move the file away.`,
    );
  }
  ensureDir(path.dirname(file));
}

export interface OutputDirGuard {
  /** What the folder is for, e.g. 'a results folder'. */
  what: string;
  /** For a non-empty folder: null when it is memgeo's own folder of this kind, else why it is refused. */
  refuse: (dir: string, entries: string[]) => string | null;
}

/**
 * Check a folder before writing into it: it must be new, empty, or memgeo's own folder of this kind
 * (the guard decides). A file at the path, or a foreign non-empty folder, is refused before anything
 * is written; then the folder is created.
 */
export function guardOutputDir(dir: string, guard: OutputDirGuard): void {
  const st = statOrNull(dir);
  if (st && !st.isDirectory()) throw new InputError(`cannot use ${dir} as ${guard.what}: it is a file, not a folder`);
  if (st) {
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch (err) {
      throw fileSystemError(err, 'read', dir);
    }
    if (entries.length > 0) {
      const why = guard.refuse(dir, entries);
      if (why !== null)
        throw new InputError(`cannot use ${dir} as ${guard.what}: ${why}. Nothing was written; choose an empty or new folder.`);
    }
  }
  ensureDir(dir);
}

/** Read a small JSON file memgeo wrote (a marker, a meta file); null when missing or unreadable as JSON. */
export function readJsonOrNull(file: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
