// Notebook 03 (layer rewinding) executes through Jupyter at the smoke preset, into a fresh results folder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { notebookText, testNotebook } from './harness';

const results = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb03-'));

testNotebook('notebooks/03-layer-rewinding.ipynb', { env: { MEMGEO_PRESET: 'smoke', MEMGEO_RESULTS_DIR: results }, timeoutS: 600 }, (run) => {
  const text = notebookText(run.notebook!);
  assert.match(text, /preset smoke: 72 rewound models/);
  assert.match(text, /Test accuracy: peak [\d.]+% at epoch \d, final [\d.]+% at epoch 3/);
  assert.match(text, /\| rewound to epoch \d \| layers \| test \|/);
  assert.match(text, /(HELD|NOT HELD|UNDECIDED): rewinding the last 2 layers \(fc1, logits\)/);
  const rows = fs.readFileSync(path.join(results, 'smoke', 'rewinding.csv'), 'utf8').trim().split('\n');
  assert.equal(rows.length, 1 + 72);
  fs.rmSync(results, { recursive: true, force: true });
});
