// Interactive figures draw offline in a real browser: classic Jupyter Notebook on a free 127.0.0.1 port
// with the repository's tslab kernel, a fixture notebook run in headless Chromium, its "interactive
// version" opened; Plotly (the local bundle, through the page's RequireJS) must draw an SVG with the
// traces, with no console errors and no request leaving 127.0.0.1. Then the saved notebook is reopened
// with its stored outputs (as a committed notebook is) and must draw again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumPath, notebookServerMissing, startNotebookServer, type NotebookServer } from 'memgeo';
import { repoRoot } from './harness';

const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function missing(): string | null {
  const server = notebookServerMissing();
  if (server) return server;
  if (!chromiumPath()) return "no Chromium (apt-get install -y --no-install-recommends chromium)";
  return null;
}

test('an interactive figure draws offline in classic Notebook (headless Chromium)', { timeout: 180_000 }, async (t) => {
  const why = missing();
  if (why) {
    if (process.env.CI === 'true') assert.fail(`${why} (CI=true: the browser test must run)`);
    process.stderr.write(`\n!! SKIPPING the browser figure test: ${why}\n\n`);
    t.skip(why);
    return;
  }
  // The notebook must sit under the repository so that its kernel resolves 'memgeo'; Jupyter's own
  // state (config, runtime, data) goes to a fresh temp dir so the user's setup plays no part.
  const work = path.join(repoRoot, 'tmp', `browser-${process.pid}`);
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-browser-'));
  fs.mkdirSync(work, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'tests', 'notebooks', 'fixtures', 'figure.ipynb'), path.join(work, 'figure.ipynb'));
  let server: NotebookServer | undefined;
  let serverLog = '';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  // a fresh profile (user data dir) each run
  const browser = await chromium.launchPersistentContext(path.join(state, 'chromium'), { executablePath: chromiumPath()!, headless: true, args: CHROMIUM_FLAGS });
  try {
    server = await startNotebookServer({
      root: repoRoot,
      dir: work,
      port: 0,
      onLog: (text) => (serverLog = (serverLog + text).slice(-6000)),
      env: { JUPYTER_CONFIG_DIR: path.join(state, 'config'), JUPYTER_DATA_DIR: path.join(state, 'data'), JUPYTER_RUNTIME_DIR: path.join(state, 'runtime'), MEMGEO_QUIET: '1' },
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    const offHost: string[] = [];
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const where = `${m.text()} ${m.location().url}`;
      // Notebook 6 always tries to load ipywidgets' nbextension (a hard-coded fallback in its main.js);
      // without ipywidgets installed that 404 is Notebook's own noise, not the figure's.
      if (where.includes('/nbextensions/widgets/notebook/js/extension.js')) return;
      errors.push(where);
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (/^https?:$/.test(u.protocol) && u.hostname !== '127.0.0.1') offHost.push(r.url());
    });
    await page.goto(server.notebookUrl('figure.ipynb'));
    await page.waitForFunction(() => {
      const J = (globalThis as unknown as { Jupyter?: any }).Jupyter;
      return J?.notebook?.kernel?.is_connected?.() === true;
    }, undefined, { timeout: 60_000 });
    await page.evaluate(() => (globalThis as unknown as { Jupyter: any }).Jupyter.notebook.execute_all_cells());
    // the static output and the collapsed interactive version appear when the cell has run
    const summary = page.locator('details.memgeo-interactive > summary');
    await summary.waitFor({ timeout: 90_000 });
    assert.equal(await page.locator('.output_png img').count(), 1, 'the static PNG is shown');
    await summary.click();
    const traces = page.locator('details.memgeo-interactive .js-plotly-plot svg.main-svg .scatterlayer .trace');
    await traces.first().waitFor({ timeout: 30_000 });
    assert.equal(await traces.count(), 2, 'both traces drawn');
    const legend = await page.locator('details.memgeo-interactive .legend').textContent();
    assert.match(legend ?? '', /unpermuted/);
    assert.match(legend ?? '', /permuted/);
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(offHost, [], 'nothing fetched from outside 127.0.0.1');

    // The committed notebooks' path: the saved notebook reopened with its stored outputs, not run again.
    await page.evaluate(() => (globalThis as unknown as { Jupyter: any }).Jupyter.notebook.save_notebook());
    await page.waitForFunction(() => (globalThis as unknown as { Jupyter: any }).Jupyter.notebook.dirty === false, undefined, { timeout: 30_000 });
    const saved = JSON.parse(fs.readFileSync(path.join(work, 'figure.ipynb'), 'utf8')) as { cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }> };
    const stored = saved.cells.flatMap((c) => c.outputs ?? []);
    assert.ok(stored.some((o) => o.data?.['application/vnd.plotly.v1+json'] && o.data?.['image/png']), 'saved: Plotly JSON and PNG in one output');
    assert.ok(fs.statSync(path.join(work, 'figure.ipynb')).size < 100_000, 'saved notebook stays small (no bundle inside)');
    await page.reload();
    await page.waitForFunction(() => (globalThis as unknown as { Jupyter?: any }).Jupyter?.notebook?.kernel?.is_connected?.() === true, undefined, { timeout: 60_000 });
    const again = page.locator('details.memgeo-interactive > summary');
    await again.waitFor({ timeout: 30_000 });
    await again.click();
    const redrawn = page.locator('details.memgeo-interactive .js-plotly-plot svg.main-svg .scatterlayer .trace');
    await redrawn.first().waitFor({ timeout: 30_000 });
    assert.equal(await redrawn.count(), 2, 'stored outputs draw too');
    assert.deepEqual(errors, [], 'no console errors after reopening');
    assert.deepEqual(offHost, [], 'nothing fetched from outside 127.0.0.1 after reopening');
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- Jupyter log (tail) ---\n${serverLog}`);
  } finally {
    await browser.close();
    await server?.stop();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(state, { recursive: true, force: true });
  }
});
