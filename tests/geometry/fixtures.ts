import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { reproduce } from 'memgeo';

let trained: Promise<string> | null = null;

/** The smoke preset's main run (MNIST, 500 images, 3 epochs), trained once per test process; its run directory. */
export function smokeRunDir(): Promise<string> {
  trained ??= (async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-geometry-'));
    await reproduce('smoke', { steps: ['train'], out, progress: 'none' });
    return path.join(out, 'run');
  })();
  return trained;
}

/** A copy of a run directory (so a test can write its own geometry.csv). */
export function copyRun(dir: string): string {
  const to = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-geometry-run-'));
  fs.cpSync(dir, to, { recursive: true });
  return to;
}
