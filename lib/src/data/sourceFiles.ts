import * as fs from 'fs';
import * as path from 'path';

/** Size and modification time of each source file: the cache is valid only for the same files. */
export function fingerprintFiles(files: string[]): string {
  return files
    .map((f) => {
      const st = fs.statSync(f);
      return `${path.basename(f)}:${st.size}:${Math.round(st.mtimeMs)}`;
    })
    .join(';');
}

/** The first of `names` that exists in `dir`, or undefined. */
export function firstExisting(dir: string, names: string[]): string | undefined {
  for (const n of names) {
    const p = path.join(dir, n);
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  return undefined;
}

export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
