// Notebook 00 (overview) executes through Jupyter at the smoke preset: presets table, results status
// (DataFrame tables), the Gaussian-cloud demonstration whose capacity must be near the unstructured
// level 2/M, and a Keras-style network trained, saved per epoch and analysed layer by layer.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS } from 'memgeo';
import { notebookText, testNotebook } from './harness';

const escapeHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const results = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb00-'));

testNotebook('notebooks/00-overview.ipynb', { env: { MEMGEO_PRESET: 'smoke', MEMGEO_RESULTS_DIR: results }, timeoutS: 300 }, (run) => {
  const text = notebookText(run.notebook!);
  assert.match(text, /backend here: \*\*wasm\*\*|backend here: \*\*tensorflow\*\*/);
  assert.match(text, /<table border="1" class="dataframe">/, 'tables are rendered as HTML');
  assert.match(text, /<th>preset<\/th><th>what it does<\/th>/);
  assert.match(text, /<td>smoke<\/td><td>A few minutes/);
  // The description is the preset's own (its time changes with each measured run).
  assert.ok(text.includes(`<td>cifar</td><td>${escapeHtml(PRESETS.cifar.description)}</td>`), 'the cifar preset and its description');
  assert.match(text, /<td>cifar100<\/td><td>The cifar design on CIFAR-100/);
  assert.match(text, /<td>train<\/td><td>no<\/td>/);
  const m = /capacity ([\d.]+) \(2\/M = 0\.1000\)/.exec(text);
  assert.ok(m, 'the demonstration prints its capacity');
  assert.ok(Math.abs(Number(m![1]) - 0.1) < 0.03, `Gaussian clouds should have capacity near 2/M, got ${m![1]}`);
  // your own network: checkpoints saved with model.save('file://…'), one model.json folder per epoch
  const saved = fs.readdirSync(path.join(results, 'smoke', 'own-network'));
  assert.ok(saved.includes('epoch-0') && saved.includes('epoch-30'), saved.join(', '));
  assert.ok(fs.existsSync(path.join(results, 'smoke', 'own-network', 'epoch-30', 'model.json')));
  assert.match(text, /geometry of your network at epoch 30/);
  for (const layer of ['flatten', 'dense1', 'dense2', 'classifier']) assert.match(text, new RegExp(`<td>${layer}</td><td>permuted</td>`));
  assert.ok(run.notebook!.cells.some((c) => (c.outputs ?? []).some((o) => (o.data as Record<string, unknown> | undefined)?.['application/vnd.plotly.v1+json'])), 'the figure carries Plotly JSON');
  fs.rmSync(results, { recursive: true, force: true });
});
