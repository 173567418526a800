/**
 * Notebook test harness: execute a notebook headless through real Jupyter (`nbconvert --execute`)
 * with the tslab kernel registered under the repo (docs/stack.md §5), into a temp dir — the committed
 * notebook is never rewritten.
 *
 *   import { testNotebook } from './harness';
 *   testNotebook('notebooks/02-geometry-across-layers.ipynb', { env: { MEMGEO_PRESET: 'smoke' }, timeoutS: 600 });
 *
 * or, inside your own test, `const run = await executeNotebook(path, opts)` and assert on `run.notebook`.
 * When Jupyter is missing the test FAILS under CI=true and otherwise SKIPS with a loud message naming
 * the apt packages. Notebooks import the compiled library ('memgeo' → lib/dist), which `npm test`
 * builds first; tslab compiles the notebook's TypeScript itself (tsconfig is ignored).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Repository root (this file runs from tests/dist/notebooks/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** Python with Jupyter: Debian's by default (a pyenv python3 on PATH may lack it); MEMGEO_JUPYTER_PYTHON overrides. */
const PYTHON = process.env.MEMGEO_JUPYTER_PYTHON || '/usr/bin/python3';
const APT_PACKAGES = 'jupyter-nbconvert python3-nbclient python3-ipykernel';
export const INSTALL_HINT = `apt-get install -y --no-install-recommends ${APT_PACKAGES}`;

export interface NotebookRunOptions {
  /** Extra environment for the kernel (e.g. { MEMGEO_PRESET: 'smoke' }); the test's env is inherited. */
  env?: Record<string, string>;
  /** Per-cell timeout (nbconvert's ExecutePreprocessor.timeout), seconds; default 600. */
  timeoutS?: number;
  /** Kernel name; default 'tslab' (TypeScript). */
  kernel?: 'tslab' | 'jslab';
}

export interface NotebookRun {
  ok: boolean;
  /** The executed copy, in a fresh temp dir (the caller may delete the dir; testNotebook does on success). */
  outputPath: string;
  /** Parsed executed notebook (nbformat 4 JSON), when it was written. */
  notebook?: { cells: Array<{ cell_type: string; outputs?: Array<Record<string, unknown>> }> };
  exitCode: number | null;
  stderr: string;
  seconds: number;
}

/** Why Jupyter cannot run notebooks here, or null when it can. */
export function jupyterMissing(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import nbconvert, nbclient, jupyter_client'], { encoding: 'utf8' });
  if (r.status !== 0) return `${PYTHON} cannot import nbconvert/nbclient/jupyter_client (${(r.stderr || '').trim().split('\n').pop()})`;
  return null;
}

/** Where the repo-local kernelspecs live (JUPYTER_PATH). */
export const jupyterPath = path.join(repoRoot, '.jupyter', 'share', 'jupyter');

/** Register the tslab kernels under <repo>/.jupyter (idempotent: redone when missing or pointing elsewhere). */
export function ensureTslabKernel(): void {
  const binary = path.join(repoRoot, 'node_modules', '.bin', 'tslab');
  const spec = path.join(jupyterPath, 'kernels', 'tslab', 'kernel.json');
  if (fs.existsSync(spec)) {
    const argv = (JSON.parse(fs.readFileSync(spec, 'utf8')) as { argv: string[] }).argv;
    if (argv[0] === binary) return;
  }
  if (!fs.existsSync(binary)) throw new Error(`tslab is not installed (${binary} missing): run 'npm ci'`);
  const r = spawnSync(binary, ['install', `--python=${PYTHON}`, `--binary=${binary}`, `--prefix=${path.join(repoRoot, '.jupyter')}`], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(spec)) throw new Error(`tslab install failed (exit ${r.status}): ${r.stderr || r.stdout}`);
}

/**
 * Execute `notebook` (path relative to the repo root, or absolute) with nbconvert into a temp dir.
 * The kernel's working directory is the notebook's own folder (as in Jupyter). Resolves with the
 * result (ok = nbconvert exit 0, i.e. no cell raised); throws if Jupyter is missing.
 */
export async function executeNotebook(notebook: string, options: NotebookRunOptions = {}): Promise<NotebookRun> {
  const missing = jupyterMissing();
  if (missing) throw new Error(`cannot execute ${notebook}: Jupyter is missing (${missing}). Install it: ${INSTALL_HINT}`);
  const source = path.resolve(repoRoot, notebook);
  if (!fs.existsSync(source)) throw new Error(`notebook not found: ${source}`);
  if (!fs.existsSync(path.join(repoRoot, 'lib', 'dist', 'index.js'))) throw new Error("lib/dist is missing: notebooks import the compiled library; run 'npm run build'");
  ensureTslabKernel();
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb-'));
  const outName = path.basename(source).replace(/\.ipynb$/, '') + '.out.ipynb';
  const runtimeDir = path.join(outDir, 'runtime');
  fs.mkdirSync(runtimeDir);
  const args = [
    '-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', source,
    '--output-dir', outDir, '--output', outName,
    `--ExecutePreprocessor.timeout=${options.timeoutS ?? 600}`,
    `--ExecutePreprocessor.kernel_name=${options.kernel ?? 'tslab'}`,
  ];
  const env = { ...process.env, ...options.env, JUPYTER_PATH: jupyterPath, JUPYTER_RUNTIME_DIR: runtimeDir };
  const t0 = Date.now();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(PYTHON, args, { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  const outputPath = path.join(outDir, outName);
  const run: NotebookRun = { ok: code === 0, outputPath, exitCode: code, stderr, seconds: (Date.now() - t0) / 1000 };
  if (fs.existsSync(outputPath)) run.notebook = JSON.parse(fs.readFileSync(outputPath, 'utf8'));
  return run;
}

/** All text a notebook's outputs show (streams, text/plain, text/markdown, text/html), in order. */
export function notebookText(nb: NonNullable<NotebookRun['notebook']>): string {
  const parts: string[] = [];
  for (const cell of nb.cells) {
    for (const out of cell.outputs ?? []) {
      if (typeof out.text === 'string' || Array.isArray(out.text)) parts.push(([] as string[]).concat(out.text as string).join(''));
      const data = out.data as Record<string, string | string[]> | undefined;
      for (const mime of ['text/plain', 'text/markdown', 'text/html']) if (data?.[mime] !== undefined) parts.push(([] as string[]).concat(data[mime]).join(''));
    }
  }
  return parts.join('\n');
}

/**
 * Register a node:test test that executes `notebook` and asserts it ran without errors, then runs
 * `check` on the result. Skips (loudly) without Jupyter, except under CI=true where it fails.
 */
export function testNotebook(notebook: string, options: NotebookRunOptions = {}, check?: (run: NotebookRun) => void | Promise<void>): void {
  test(`notebook executes: ${notebook}`, { timeout: ((options.timeoutS ?? 600) + 120) * 1000 }, async (t: TestContext) => {
    const missing = jupyterMissing();
    if (missing) {
      const msg = `Jupyter is missing (${missing}); notebook tests need it. Install it with: ${INSTALL_HINT}`;
      if (process.env.CI === 'true') assert.fail(`${msg} (CI=true: notebook tests must run)`);
      process.stderr.write(`\n${'!'.repeat(100)}\n!! SKIPPING ${notebook}: ${msg}\n${'!'.repeat(100)}\n\n`);
      t.skip(msg);
      return;
    }
    const run = await executeNotebook(notebook, options);
    assert.ok(run.ok, `nbconvert failed on ${notebook} (exit ${run.exitCode}); executed copy: ${run.outputPath}\n${run.stderr.slice(-4000)}`);
    const errors = (run.notebook?.cells ?? []).flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error'));
    assert.equal(errors.length, 0, `error outputs in ${run.outputPath}`);
    if (check) await check(run);
    fs.rmSync(path.dirname(run.outputPath), { recursive: true, force: true }); // kept only when something failed
  });
}
