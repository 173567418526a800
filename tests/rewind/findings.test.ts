import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownTable, rewindingFindings, rewindingFindingsMarkdown, rewindingFindingsTable, type Row } from 'memgeo';

const LAYERS = ['conv1', 'conv2', 'fc1', 'logits'];

/** metrics.csv with test accuracy peaking at epoch 5 (0.9) and ending at epoch 20 (0.5). */
function metrics(): Row[] {
  const test: Record<number, number> = { 0: 0.1, 5: 0.9, 10: 0.7, 20: 0.5 };
  const permuted: Record<number, number> = { 0: 0.1, 5: 0.05, 10: 0.5, 20: 0.98 };
  return Object.keys(test).flatMap((e) => [
    { epoch: Number(e), split: 'test', loss: 1, accuracy: test[Number(e)], count: 100 },
    { epoch: Number(e), split: 'train_permuted', loss: 1, accuracy: permuted[Number(e)], count: 50 },
  ]);
}

/** rewinding.csv where rewinding the last L layers to epoch 5 gives lastTest[L-1] and the first L gives firstTest[L-1]. */
function table(lastTest: number[], firstTest: number[]): Row[] {
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
  for (const epoch of [0, 5, 20]) {
    for (let k = 1; k <= 4; k++) {
      const at5 = epoch === 5;
      rows.push(row('single', k, 1, epoch, at5 ? (k === 1 ? firstTest[0] : k === 4 ? lastTest[0] : 0.55) : 0.5));
      rows.push(row('last', 4 - k + 1, k, epoch, at5 ? lastTest[k - 1] : 0.5));
      rows.push(row('first', k, k, epoch, at5 ? firstTest[k - 1] : 0.5));
    }
  }
  return rows;
}

test('rewindingFindings: peak and final from metrics, recovered share of the drop, verdict from the data', () => {
  const f = rewindingFindings(table([0.6, 0.75, 0.85, 0.9], [0.52, 0.55, 0.6, 0.9]), metrics());
  assert.deepEqual([f.peakEpoch, f.peakTestAccuracy, f.finalEpoch, f.finalTestAccuracy, f.targetEpoch], [5, 0.9, 20, 0.5, 5]);
  assert.ok(Math.abs(f.drop - 0.4) < 1e-12);
  assert.deepEqual(f.last!.layers, ['fc1', 'logits']);
  assert.equal(f.last!.L, 2);
  assert.ok(Math.abs(f.last!.recovered - 0.625) < 1e-12);
  assert.equal(f.last!.train_permuted_accuracy, 0.25);
  assert.deepEqual(f.first!.layers, ['conv1']);
  assert.ok(Math.abs(f.first!.recovered - 0.05) < 1e-12);
  assert.deepEqual(
    f.lastCurve.map((a) => a.L),
    [1, 2, 3, 4],
  );
  assert.deepEqual(f.lastCurve[2].layers, ['conv2', 'fc1', 'logits']);
  assert.deepEqual(f.firstCurve[1].layers, ['conv1', 'conv2']);
  assert.deepEqual(
    f.single.map((a) => a.layers[0]),
    LAYERS,
  );
  assert.deepEqual([f.finalPermutedAccuracy, f.peakPermutedAccuracy], [0.98, 0.05]);
  assert.deepEqual(
    f.checks.map((c) => c.held),
    [true, true],
  );
  assert.equal(f.held, true);
  const text = f.lines.join('\n');
  assert.match(text, /peak 90\.0% at epoch 5, final 50\.0% at epoch 20/);
  assert.match(text, /Rewinding the last 2 layers \(fc1, logits\) to epoch 5: test 75\.0% \(62\.5% of the drop recovered\)/);
  assert.match(text, /HELD: rewinding only the first layer/);
  // The findings' Markdown and table: one item per sentence; the final model, each layer, last L, first L.
  assert.equal(rewindingFindingsMarkdown(f), f.lines.map((l) => `- ${l}`).join('\n'));
  const t = rewindingFindingsTable(f);
  assert.equal(t.columns.length, 6);
  assert.equal(t.rows.length, 1 + 4 + 4 + 4);
  for (const r of t.rows) assert.equal(r.length, t.columns.length);
  assert.deepEqual(t.rows[0], ['final model (epoch 20), nothing rewound', '-', '50.0%', '0%', '98.0%', pct(f.finalRestoredAccuracy)]);
  assert.deepEqual(t.rows[1 + 4 + 1].slice(0, 4), ['last 2', 'fc1, logits', '75.0%', '62.5%']);
  const md = markdownTable(t);
  assert.equal(md.split('\n').length, 2 + t.rows.length);
  assert.match(md, /^\| rewound to epoch 5 \| layers \| test \|.*\n\| --- \| --- \| --- \| --- \| --- \| --- \|\n\| final model/);
});

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');

test('rewindingFindings: not held when the last layers recover too little or the first layer too much; lastL is honoured', () => {
  const weak = rewindingFindings(table([0.55, 0.65, 0.8, 0.9], [0.52, 0.55, 0.6, 0.9]), metrics());
  assert.deepEqual(
    weak.checks.map((c) => c.held),
    [false, true],
  );
  assert.equal(weak.held, false);
  assert.match(weak.lines.join('\n'), /NOT HELD: rewinding the last 2 layers/);
  const flipped = rewindingFindings(table([0.6, 0.75, 0.85, 0.9], [0.8, 0.85, 0.88, 0.9]), metrics());
  assert.deepEqual(
    flipped.checks.map((c) => c.held),
    [true, false],
  );
  const three = rewindingFindings(table([0.55, 0.65, 0.8, 0.9], [0.52, 0.55, 0.6, 0.9]), metrics(), { lastL: 3 });
  assert.equal(three.last!.L, 3);
  assert.equal(three.checks[0].held, true);
});

test('rewindingFindings: undecided without a drop; the closest swept epoch stands in for an unswept peak', () => {
  const flat = metrics().map((r) => (r.split === 'test' ? { ...r, accuracy: 0.9 } : r));
  const f = rewindingFindings(table([0.9, 0.9, 0.9, 0.9], [0.9, 0.9, 0.9, 0.9]), flat);
  assert.deepEqual(
    f.checks.map((c) => c.held),
    [null, null],
  );
  assert.equal(f.held, null);
  const shifted = metrics().map((r) => (r.split === 'test' && r.epoch === 5 ? { ...r, epoch: 6 } : r));
  const g = rewindingFindings(table([0.6, 0.75, 0.85, 0.9], [0.52, 0.55, 0.6, 0.9]), shifted);
  assert.equal(g.peakEpoch, 6);
  assert.equal(g.targetEpoch, 5);
  assert.match(g.lines[0], /the swept epoch closest to the peak, 6/);
  assert.throws(() => rewindingFindings([], metrics()), /rewinding table is empty/);
});
