// notebooks/06-probes.ipynb executes through Jupyter at the smoke preset (trains the smoke run, runs the geometry, probes and MLP-contrast steps).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { notebookText, testNotebook } from './harness';

const results = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb06-'));

testNotebook('notebooks/06-probes.ipynb', { env: { MEMGEO_PRESET: 'smoke', MEMGEO_RESULTS_DIR: results }, timeoutS: 900 }, (run) => {
  const text = notebookText(run.notebook!);
  assert.match(text, /preset smoke: 4 epochs probed; test peak at epoch \d+, last epoch 3; layers input, conv2, fc1, logits; chance 0\.10/);
  assert.match(text, /\| fc1 \| permuted \|/);
  assert.match(text, /Spearman ρ\(capacity, kNN accuracy\)/);
  assert.match(text, /\*\*(held|NOT held)\*\*/);
  assert.match(text, /\| where the measures put memorization \| \*\*(last layers|first layers|mixed|undecided)\*\*/);
  for (const f of ['probes.csv', 'prediction_depth.csv', 'probes_findings.md', 'geometry.csv', 'mlp_probes.csv', 'mlp_rewinding.csv']) assert.ok(fs.existsSync(path.join(results, 'smoke', f)), f);
  const images = run.notebook!.cells.flatMap((c) => c.outputs ?? []).filter((o) => (o.data as Record<string, unknown> | undefined)?.['image/png']);
  assert.ok(images.length >= 6, `expected the figures as PNGs, got ${images.length}`);
  fs.rmSync(results, { recursive: true, force: true });
});
