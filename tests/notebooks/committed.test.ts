// The notebooks in the repository keep their outputs from a default-preset run, so that a
// reader sees the results without running anything; the files must stay small.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './harness';

interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
  text?: string | string[];
}

const join = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join('') : (v ?? ''));
const figureNotebooks = ['01-label-noise-training', '02-geometry-across-layers', '03-layer-rewinding', '04-double-descent', '05-gradients', '06-probes'];

for (const name of figureNotebooks) {
  test(`committed ${name}.ipynb shows its default-preset results as static and interactive figures, and stays small`, () => {
    const file = path.join(repoRoot, 'notebooks', `${name}.ipynb`);
    const bytes = fs.statSync(file).size;
    const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Array<{ cell_type: string; outputs?: Output[] }> };
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    const outputs = code.flatMap((c) => c.outputs ?? []);
    assert.deepEqual(outputs.filter((o) => o.output_type === 'error'), [], 'no cell failed');
    const png = outputs.filter((o) => o.data?.['image/png']);
    const interactive = outputs.filter((o) => join(o.data?.['text/html']).includes('interactive version'));
    assert.ok(png.length >= 1, 'static PNG figures');
    assert.equal(interactive.length, png.length, 'each figure also has its interactive version');
    assert.ok(png.every((o) => o.data?.['application/vnd.plotly.v1+json']), 'each figure also carries Plotly JSON (JupyterLab, VS Code)');
    assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /cdn\.plot\.ly|https?:\/\/cdn/i, 'no CDN');
    const text = outputs.map((o) => join(o.text) + join(o.data?.['text/markdown']) + join(o.data?.['text/plain'])).join('\n');
    assert.doesNotMatch(text, /preset \**smoke\**/i, 'outputs come from the default preset, not the smoke one');
    // Plotly is loaded on demand, never inlined: no output carries a bundle.
    const largest = Math.max(...outputs.map((o) => JSON.stringify(o).length));
    assert.ok(largest < 400_000, `largest output ${largest} bytes`);
    assert.ok(bytes < 1_500_000, `${name}.ipynb is ${bytes} bytes`);
    assert.ok(!fs.readFileSync(file, 'utf8').includes('Plotly.register'), 'no inlined plotly.js bundle');
  });
}
