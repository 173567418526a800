/*
 * What a Jupyter server needs to run memgeo's notebooks from this checkout, kept under the repository
 * (`<root>/.jupyter`, never the user's home): the tslab kernels, and the locally installed Plotly bundle
 * served by classic Notebook as a static nbextension file, so that interactive figures draw offline.
 * Used by `memgeo notebook` and by the notebook tests.
 */

import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { InputError } from '../errors';

/** Python with Jupyter: Debian's by default (a pyenv python3 on PATH may lack it); MEMGEO_JUPYTER_PYTHON overrides. */
export function jupyterPython(): string {
  return process.env.MEMGEO_JUPYTER_PYTHON || '/usr/bin/python3';
}

/** Debian packages that run notebooks headless (the tests) and serve them (classic Notebook). */
export const JUPYTER_APT_PACKAGES = ['jupyter-nbconvert', 'python3-nbclient', 'python3-ipykernel'];
export const JUPYTER_SERVER_APT_PACKAGE = 'jupyter-notebook';

/** Where the repository-local Jupyter data lives (the JUPYTER_PATH entry). */
export function jupyterDataPath(root: string): string {
  return path.join(root, '.jupyter', 'share', 'jupyter');
}

/** Path, relative to the server's base URL, of the Plotly bundle installed by `installPlotlyBundle` (no `.js`, as RequireJS wants). */
export const PLOTLY_NBEXTENSION = 'nbextensions/memgeo/plotly';

/**
 * Register the tslab kernels (`tslab`, `jslab`) under `<root>/.jupyter`; idempotent (redone when the
 * kernelspec is missing or points at another tslab binary). Returns the kernelspec path.
 */
export function registerTslabKernel(root: string): string {
  const binary = path.join(root, 'node_modules', '.bin', 'tslab');
  const spec = path.join(jupyterDataPath(root), 'kernels', 'tslab', 'kernel.json');
  if (fs.existsSync(spec)) {
    const argv = (JSON.parse(fs.readFileSync(spec, 'utf8')) as { argv: string[] }).argv;
    if (argv[0] === binary) return spec;
  }
  if (!fs.existsSync(binary)) throw new InputError(`tslab is not installed (${binary} missing): run 'npm ci' in ${root}`);
  const python = jupyterPython();
  const r = spawnSync(binary, ['install', `--python=${python}`, `--binary=${binary}`, `--prefix=${path.join(root, '.jupyter')}`], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0 || !fs.existsSync(spec)) throw new Error(`tslab install failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  return spec;
}

/** Copy plotly.js-dist to `<root>/.jupyter/share/jupyter/nbextensions/memgeo/plotly.js` (when missing or changed); returns its path. */
export function installPlotlyBundle(root: string): string {
  const target = path.join(jupyterDataPath(root), `${PLOTLY_NBEXTENSION}.js`);
  const source = require.resolve('plotly.js-dist');
  if (!fs.existsSync(target) || fs.statSync(target).size !== fs.statSync(source).size) {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(source, `${target}.tmp`);
    fs.renameSync(`${target}.tmp`, target);
  }
  return target;
}

/** Kernel and Plotly bundle both in place under `root`; returns the JUPYTER_PATH to give the server. */
export function prepareJupyter(root: string): string {
  registerTslabKernel(root);
  installPlotlyBundle(root);
  return jupyterDataPath(root);
}

/** Why classic Notebook cannot be started here (naming the package to install), or null when it can. */
export function notebookServerMissing(): string | null {
  const python = jupyterPython();
  if (!fs.existsSync(python))
    return `${python} not found: install Python 3 and Jupyter (apt-get install -y --no-install-recommends ${JUPYTER_SERVER_APT_PACKAGE})`;
  const r = spawnSync(python, ['-c', 'import notebook.notebookapp'], { encoding: 'utf8' });
  if (r.status !== 0) {
    return `Jupyter Notebook is not installed for ${python}. Install Debian's classic Notebook: apt-get install -y --no-install-recommends ${JUPYTER_SERVER_APT_PACKAGE} (or 'pip install notebook<7' and set MEMGEO_JUPYTER_PYTHON to that python)`;
  }
  return null;
}
