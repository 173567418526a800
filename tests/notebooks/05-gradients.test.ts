// notebooks/05-gradients.ipynb executes through Jupyter at the smoke preset (trains the smoke run, runs the gradients step).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { notebookText, testNotebook } from './harness';

const results = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb05-'));

testNotebook('notebooks/05-gradients.ipynb', { env: { MEMGEO_PRESET: 'smoke', MEMGEO_RESULTS_DIR: results }, timeoutS: 600 }, (run) => {
  const text = notebookText(run.notebook!);
  assert.match(text, /preset smoke: 4 checkpoints, scaling check at epochs 0, 1/);
  // The claims on the total and on the label-dependent part, side by side.
  assert.match(text, /\| at initialization: permuted contribution clearly smaller \(ratio < 0\.5\) in every layer \| 0 \| \*\*(yes|NO)\*\* \| \*\*(yes|NO)\*\* \|/);
  assert.match(text, /Per layer, label-dependent part/);
  assert.match(text, /\| logits \|/);
  for (const f of ['gradients.csv', 'gradient_scaling.csv', 'gradient_slopes.csv', 'gradients_findings.md']) assert.ok(fs.existsSync(path.join(results, 'smoke', f)), f);
  const images = run.notebook!.cells.flatMap((c) => c.outputs ?? []).filter((o) => (o.data as Record<string, unknown> | undefined)?.['image/png']);
  assert.ok(images.length >= 5, `expected the figures as PNGs (ratio of the total and of the label-dependent part, cosine, scaling), got ${images.length}`);
  fs.rmSync(results, { recursive: true, force: true });
});
