#!/usr/bin/env node
// `npm test`: compile the library and the tests, then run every tests/**/*.test.ts with Node's built-in
// test runner. Extra arguments filter test files by substring: `npm test -- manifold rng`.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
for (const project of ['lib', 'tests']) execFileSync(process.execPath, [tsc, '-p', join(root, project)], { stdio: 'inherit', cwd: root });
// The SIMD kernels of the manifold analysis (lib/assembly → lib/dist/simd/kernels.wasm), as `npm run build` makes them.
execFileSync('npm', ['run', '--silent', 'build:kernels'], { stdio: 'inherit', cwd: root });

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.js') ? [p] : [];
  });
}
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = walk(join(root, 'tests', 'dist'))
  .filter((f) => filters.length === 0 || filters.some((s) => relative(root, f).includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', ...flags, ...files], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, MEMGEO_QUIET: process.env.MEMGEO_QUIET ?? '1' },
});
process.exit(r.status ?? 1);
