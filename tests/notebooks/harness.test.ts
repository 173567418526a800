// Proves the notebook harness on a tiny fixture: real Jupyter + tslab, the compiled 'memgeo' package,
// initBackend, a displayed value. Each notebook has its own testNotebook(...) test beside this one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { executeNotebook, jupyterMissing, notebookText, repoRoot, testNotebook } from './harness';

const fixture = 'tests/notebooks/fixtures/smoke.ipynb';

testNotebook(fixture, { timeoutS: 120 }, (run) => {
  const text = notebookText(run.notebook!);
  assert.match(text, /backend=wasm/);
  assert.match(text, /memgeo backend: \*\*wasm\*\*, sum of 1\.\.4 = 10/);
  // the executed copy is elsewhere; the committed fixture keeps empty outputs
  assert.notEqual(path.resolve(run.outputPath), path.resolve(repoRoot, fixture));
  const committed = JSON.parse(fs.readFileSync(path.join(repoRoot, fixture), 'utf8')) as { cells: Array<{ outputs?: unknown[] }> };
  assert.ok(committed.cells.every((c) => (c.outputs ?? []).length === 0));
});

test('a failing notebook cell makes executeNotebook report failure', { skip: jupyterMissing() !== null && 'Jupyter missing (see the loud message above)' }, async () => {
  const bad = path.join(repoRoot, 'tmp', 'harness-failing.ipynb');
  fs.mkdirSync(path.dirname(bad), { recursive: true });
  const nb = JSON.parse(fs.readFileSync(path.join(repoRoot, fixture), 'utf8'));
  nb.cells.push({ cell_type: 'code', id: 'boom', metadata: {}, execution_count: null, outputs: [], source: ["throw new Error('boom from the fixture');"] });
  fs.writeFileSync(bad, JSON.stringify(nb));
  try {
    const run = await executeNotebook(bad, { timeoutS: 120 });
    fs.rmSync(path.dirname(run.outputPath), { recursive: true, force: true });
    assert.equal(run.ok, false);
    assert.match(run.stderr, /boom from the fixture/);
  } finally {
    fs.rmSync(bad, { force: true });
  }
});
