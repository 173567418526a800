import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { notebookText, testNotebook } from './harness';

const nb = 'notebooks/01-label-noise-training.ipynb';
const results = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb01-'));

testNotebook(nb, { env: { MEMGEO_PRESET: 'smoke', MEMGEO_RESULTS_DIR: results }, timeoutS: 300 }, (run) => {
  const text = notebookText(run.notebook!);
  assert.match(text, /Preset \*\*smoke\*\*/);
  assert.match(text, /test-accuracy peak \| \d+ \| \*\*0\.\d+\*\*/);
  assert.match(text, /Test accuracy fell by \*\*-?\d+\.\d points\*\*/);
  // a figure was shown (static PNG, or the interactive version when Chromium is missing)
  const outputs = run.notebook!.cells.flatMap((c) => c.outputs ?? []);
  assert.ok(outputs.some((o) => JSON.stringify(o.data ?? {}).includes('image/png') || JSON.stringify(o.data ?? {}).includes('interactive version')));
  assert.ok(fs.existsSync(path.join(results, 'smoke', 'run', 'metrics.csv')));
  fs.rmSync(results, { recursive: true, force: true });
});
