// Notebook 00 (overview) executes through Jupyter at the smoke preset: presets table, results status,
// and the Gaussian-cloud demonstration whose capacity must be near the unstructured level 2/M.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { notebookText, testNotebook } from './harness';

const results = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb00-'));

testNotebook('notebooks/00-overview.ipynb', { env: { MEMGEO_PRESET: 'smoke', MEMGEO_RESULTS_DIR: results }, timeoutS: 300 }, (run) => {
  const text = notebookText(run.notebook!);
  assert.match(text, /backend here: \*\*wasm\*\*|backend here: \*\*tensorflow\*\*/);
  assert.match(text, /\| smoke \| A few minutes/);
  assert.match(text, /\| cifar \| About an hour on 2 cores \(estimate, not yet measured end to end\): VGG-16/);
  assert.match(text, /\| cifar100 \| The cifar design on CIFAR-100/);
  assert.match(text, /\| train \| no \|/);
  const m = /capacity ([\d.]+) \(2\/M = 0\.1000\)/.exec(text);
  assert.ok(m, 'the demonstration prints its capacity');
  assert.ok(Math.abs(Number(m![1]) - 0.1) < 0.03, `Gaussian clouds should have capacity near 2/M, got ${m![1]}`);
  fs.rmSync(results, { recursive: true, force: true });
});
