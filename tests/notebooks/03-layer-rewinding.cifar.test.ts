// Notebook 03 (layer rewinding) on the cifar path: executed through Jupyter at the cifar-smoke preset
// (VGG-16 with batch norm on CIFAR-10), into a fresh results folder. The layer names and counts it
// prints come from the run, whatever the architecture.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { notebookText, testNotebook } from './harness';

const results = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb03-cifar-'));

testNotebook('notebooks/03-layer-rewinding.ipynb', { env: { MEMGEO_PRESET: 'cifar-smoke', MEMGEO_RESULTS_DIR: results }, timeoutS: 600 }, (run) => {
  const text = notebookText(run.notebook!);
  // 16 layers × 3 modes × 2 epochs (0 and the last; the test peak is one of them at this size).
  assert.match(text, /preset cifar-smoke: 96 rewound models/);
  assert.match(text, /"family":"vgg","depth":16/);
  assert.match(text, /(HELD|NOT HELD|UNDECIDED): rewinding the last 2 layers \(fc2, logits\)/);
  const rows = fs.readFileSync(path.join(results, 'cifar-smoke', 'rewinding.csv'), 'utf8').trim().split('\n');
  assert.equal(rows.length, 1 + 96);
  fs.rmSync(results, { recursive: true, force: true });
});
