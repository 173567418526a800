// notebooks/04-double-descent.ipynb runs end to end through Jupyter at the smoke preset (a two-width
// sweep of a few epochs): the step runs, the findings print, and the figures are built.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { notebookText, testNotebook } from './harness';

const results = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb04-'));

testNotebook('notebooks/04-double-descent.ipynb', { env: { MEMGEO_PRESET: 'smoke', MEMGEO_RESULTS_DIR: results }, timeoutS: 600 }, (run) => {
  const text = notebookText(run.notebook!);
  assert.match(text, /permute label noise \(ε = 0\.2\)/);
  assert.match(text, /interpolation threshold/);
  assert.ok(fs.existsSync(path.join(results, 'smoke', 'double_descent.csv')), 'the step published its table');
  fs.rmSync(results, { recursive: true, force: true });
});
