import * as fs from 'fs';
import * as path from 'path';
import { ensureDir, fileSystemError } from './outputPath';

/**
 * Write a file so that readers see either the old content or the complete new content, never a
 * half-written file: write to a temporary file in the same directory, fsync it, then rename over the
 * target (rename is atomic within one filesystem), then fsync the directory so the rename survives a
 * crash. Used for checkpoints, configs and every table memgeo writes. A failure (read-only folder, a
 * file where the folder should be, a folder at the target) is an InputError naming the file, and the
 * temporary file is removed.
 */
export function atomicWriteFileSync(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  ensureDir(dir);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw fileSystemError(err, 'write', file);
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  }
}

/** Write JSON atomically, pretty-printed. */
export function atomicWriteJsonSync(file: string, value: unknown): void {
  atomicWriteFileSync(file, JSON.stringify(value, null, 2) + '\n');
}
