import { test } from 'node:test';
import assert from 'node:assert/strict';
import { architectureContrast, architectureContrastMarkdown, architectureContrastTable, markdownTable, InputError, type Row } from 'memgeo';

const LAYERS = ['conv1', 'conv2', 'fc1', 'logits'];

/** Test accuracy peaks at epoch 5 (0.9) and ends at epoch 20 (0.5); the permuted examples are memorized. */
function metrics(): Row[] {
  const test: Record<number, number> = { 0: 0.1, 5: 0.9, 20: 0.5 };
  const permuted: Record<number, number> = { 0: 0.1, 5: 0.05, 20: 0.98 };
  return Object.keys(test).flatMap((e) => [
    { epoch: Number(e), split: 'test', loss: 1, accuracy: test[Number(e)], count: 100 },
    { epoch: Number(e), split: 'train_permuted', loss: 1, accuracy: permuted[Number(e)], count: 50 },
  ]);
}

/** Rewinding the last layers / the first layer to epoch 5 gives these test accuracies. */
function rewinding(lastTest: number, firstTest: number): Row[] {
  const rows: Row[] = [];
  const row = (mode: string, idx: number, L: number, epoch: number, t: number): Row => ({
    mode,
    layer: LAYERS[idx - 1],
    layer_index: idx,
    L,
    epoch,
    test_accuracy: t,
    train_unpermuted_accuracy: 0.9,
    train_permuted_accuracy: 1 - t,
    train_restored_accuracy: t,
  });
  for (const epoch of [0, 5, 20])
    for (let k = 1; k <= 4; k++) {
      const at5 = epoch === 5;
      rows.push(row('single', k, 1, epoch, at5 && k === 1 ? firstTest : 0.5));
      rows.push(row('last', 4 - k + 1, k, epoch, at5 && k === 2 ? lastTest : 0.5));
      rows.push(row('first', k, k, epoch, at5 && k === 1 ? firstTest : 0.5));
    }
  return rows;
}

/** Probe rows where the permuted labels become readable at the end in `where` (the first or the last hidden layer). */
function probes(where: 'conv1' | 'fc1'): Row[] {
  const rows: Row[] = [];
  for (const epoch of [0, 5, 20])
    ['input', ...LAYERS].forEach((layer, li) => {
      for (const manifold of ['unpermuted', 'permuted', 'restored']) {
        const late = epoch === 20 && layer === where;
        const accuracy = manifold === 'permuted' ? (late ? 0.6 : 0.1) : manifold === 'restored' && late ? 0.5 : 0.9;
        rows.push({ epoch, layer, layer_index: li, manifold, probe: 'knn', k: 30, accuracy, n_fit: 500, n_eval: 400, seed: 0 });
      }
    });
  return rows;
}

test('architectureContrast: every measure pointing at one end names it; disagreeing measures are mixed', () => {
  const [cnn, mlp, mixed] = architectureContrast(
    [
      { name: 'cnn', metrics: metrics(), geometry: [], rewinding: rewinding(0.8, 0.52), probes: probes('fc1'), depth: [] },
      { name: 'mlp', metrics: metrics(), geometry: [], rewinding: rewinding(0.52, 0.85), probes: probes('conv1'), depth: [] },
      { name: 'mixed', metrics: metrics(), geometry: [], rewinding: rewinding(0.52, 0.85), probes: probes('fc1'), depth: [] },
    ],
    { P: 10 },
  );
  assert.equal(cnn.where, 'last layers');
  assert.equal(mlp.where, 'first layers');
  assert.equal(mixed.where, 'mixed');
  assert.deepEqual([cnn.firstHidden, cnn.lastHidden], ['conv1', 'fc1']);
  assert.ok(Math.abs(cnn.recoveredLast - 0.75) < 1e-12 && Math.abs(cnn.recoveredFirst - 0.05) < 1e-12);
  assert.ok(Math.abs(mlp.permutedKnnRiseFirst - 0.5) < 1e-12 && mlp.permutedKnnRiseLast === 0);
  assert.ok(Number.isNaN(cnn.permutedCapacityRatioLast), 'no geometry table: NaN, not a guess');
  assert.match(
    architectureContrastMarkdown([cnn, mlp]),
    /\| where the measures put memorization \| \*\*last layers\*\*.*\| \*\*first layers\*\*/,
  );
  const t = architectureContrastTable([cnn, mlp]);
  assert.deepEqual(t.columns, ['', cnn.name, mlp.name]);
  for (const r of t.rows) assert.equal(r.length, 3);
  assert.equal(architectureContrastMarkdown([cnn, mlp]), markdownTable(t));
  assert.throws(() => architectureContrast([], { P: 10 }), InputError);
});
