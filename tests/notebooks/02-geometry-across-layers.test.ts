import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { notebookText, testNotebook } from './harness';

const nb = 'notebooks/02-geometry-across-layers.ipynb';
const results = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-nb02-'));

testNotebook(nb, { env: { MEMGEO_PRESET: 'smoke', MEMGEO_RESULTS_DIR: results }, timeoutS: 400 }, (run) => {
  const text = notebookText(run.notebook!);
  assert.match(text, /Analysis: P = 10 classes, M = 10 examples per manifold/);
  assert.match(text, /Simulated capacity was measured at \d+ of 2 points/);
  // every claim gets a verdict computed from the tables
  assert.equal((text.match(/\*\*(held|NOT held)\*\* — /g) ?? []).length, 9);
  const outputs = run.notebook!.cells.flatMap((c) => c.outputs ?? []);
  const figures = outputs.filter((o) => JSON.stringify(o.data ?? {}).includes('image/png')).length;
  const interactive = outputs.filter((o) => JSON.stringify(o.data ?? {}).includes('interactive version')).length;
  assert.ok(Math.max(figures, interactive) >= 11, `${figures} png, ${interactive} interactive`);
  // the peak/last comparison as a DataFrame table, one row per (layer, manifold type)
  assert.match(text, /<caption[^>]*>geometry at the test peak \(epoch \d+\) and the last epoch \(\d+\)<\/caption>/);
  assert.match(text, /<td>logits<\/td><td>permuted<\/td>/);
  for (const t of ['geometry.csv', 'simcap.csv']) assert.ok(fs.existsSync(path.join(results, 'smoke', t)), t);
  fs.rmSync(results, { recursive: true, force: true });
});
