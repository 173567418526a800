import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  geometryFindings,
  geometryFindingsMarkdown,
  geometryFindingsTable,
  trainingSummary,
  spearman,
  chooseSimcapPoints,
  simcapSummary,
  participationRatio,
  allDataDimension,
  Rng,
  InputError,
  type Row,
} from 'memgeo';

const LAYERS = ['input', 'conv1', 'conv2', 'conv3', 'fc1', 'logits'];

/** metrics.csv of a run that peaks at epoch 5 (test 0.9) and ends at epoch 20. */
function metrics(finalTest: number, finalPermuted: number): Row[] {
  const rows: Row[] = [];
  for (let e = 0; e <= 20; e++) {
    const test = e <= 5 ? 0.5 + 0.08 * e : 0.9 - ((0.9 - finalTest) * (e - 5)) / 15;
    const perm = e <= 5 ? 0.05 : 0.05 + ((finalPermuted - 0.05) * (e - 5)) / 15;
    rows.push(
      { epoch: e, split: 'test', accuracy: test },
      { epoch: e, split: 'train_permuted', accuracy: perm },
      { epoch: e, split: 'train_unpermuted', accuracy: 0.95 },
      { epoch: e, split: 'train_restored', accuracy: 0.8 - perm / 2 },
    );
  }
  return rows;
}

/**
 * A geometry table at epochs 0, 5, 20: `paper` follows the paper's picture; each override replaces
 * one value (epoch|layer|manifold|metric).
 */
function geometry(overrides: Record<string, number> = {}): Row[] {
  const rows: Row[] = [];
  for (const epoch of [0, 5, 20]) {
    LAYERS.forEach((layer, i) => {
      for (const manifold of ['unpermuted', 'permuted', 'restored']) {
        let capacity = 0.042;
        let radius = 1.5;
        let dimension = 30;
        if (manifold !== 'permuted' && epoch > 0) capacity = 0.08 + 0.04 * i;
        if (manifold === 'restored' && epoch === 20 && i >= 4) capacity *= 0.6;
        if (manifold === 'permuted' && epoch === 20 && i >= 4) [capacity, radius, dimension] = [0.08, 1.2, 20];
        const v: Record<string, number> = { capacity, radius, dimension };
        for (const m of Object.keys(v)) v[m] = overrides[`${epoch}|${layer}|${manifold}|${m}`] ?? v[m];
        rows.push({
          epoch,
          layer,
          layer_index: i,
          manifold,
          ...v,
          capacity_std: 0.001,
          radius_std: 0.01,
          dimension_std: 0.1,
          center_correlation: 0.2,
          K: 1,
          participation_ratio: 10,
          n_degenerate: 0,
          n_features: layer === 'logits' ? 10 : 500,
          P: 10,
          M: 50,
          n_t: 200,
          seed: 0,
          note: null,
        });
      }
    });
  }
  return rows;
}

test('geometryFindings: every claim held on a table shaped like the paper', () => {
  const f = geometryFindings(geometry(), metrics(0.6, 0.97));
  assert.equal(f.peak.epoch, 5);
  assert.ok(Math.abs(f.testDrop - 0.3) < 1e-9);
  assert.equal(f.peakAnalysisEpoch, 5);
  assert.equal(f.lastAnalysisEpoch, 20);
  assert.deepEqual(f.hiddenLayers, ['conv1', 'conv2', 'conv3', 'fc1']);
  assert.deepEqual([f.firstLayers, f.lastLayers], [['conv1'], ['fc1']]);
  assert.equal(f.unstructured, 0.04);
  assert.deepEqual(f.keyEpochs, [0, 5, 20]);
  for (const c of f.claims) assert.ok(c.held, `${c.id}: ${c.evidence}`);
  assert.equal(f.claims.length, 9);
  const fc1 = f.changes.find((c) => c.layer === 'fc1' && c.manifold === 'permuted' && c.metric === 'capacity')!;
  assert.ok(Math.abs(fc1.ratio - 0.08 / 0.042) < 1e-12);
  assert.match(geometryFindingsMarkdown(f), /\*\*held\*\*/);
  const t = geometryFindingsTable(f);
  assert.deepEqual(
    t.rows.map((r) => r[0]),
    f.layers,
  );
  for (const r of t.rows) assert.equal(r.length, t.columns.length);
  const at = f.atPeak.find((a) => a.layer === t.rows[1][0])!;
  assert.equal(t.rows[1][3], at.permuted.toFixed(3), 'permuted capacity at the peak');
});

test('geometryFindings: each claim fails on its own when the data say otherwise', () => {
  const held = (g: Row[], m: Row[] = metrics(0.6, 0.97)) => Object.fromEntries(geometryFindings(g, m).claims.map((c) => [c.id, c.held]));
  assert.equal(held(geometry(), metrics(0.87, 0.97)).memorization, false); // test drop 3 points
  assert.equal(held(geometry(), metrics(0.6, 0.85)).memorization, false); // permuted not fitted
  const g1 = held(geometry({ '5|conv2|permuted|capacity': 0.07 }));
  assert.equal(g1.permuted_unstructured_at_peak, false);
  assert.equal(held(geometry({ '5|logits|permuted|capacity': 0.2 })).permuted_unstructured_at_peak, true); // logits not counted
  assert.equal(held(geometry({ '5|fc1|unpermuted|capacity': 0.05 })).unpermuted_grows_with_depth_at_peak, false);
  assert.equal(held(geometry({ '5|fc1|restored|capacity': 0.09 })).restored_grows_with_depth_at_peak, false);
  assert.equal(held(geometry({ '20|fc1|permuted|capacity': 0.05 })).permuted_capacity_rises_last_layers, false); // +19%
  assert.equal(held(geometry({ '20|conv1|permuted|capacity': 0.06 })).permuted_capacity_little_first_layers, false);
  assert.equal(held(geometry({ '20|fc1|restored|capacity': 0.23 })).restored_capacity_falls_last_layers, false);
  assert.equal(held(geometry({ '20|fc1|permuted|radius': 1.49 })).permuted_radius_falls_last_layers, false);
  assert.equal(held(geometry({ '20|fc1|permuted|dimension': 29 })).permuted_dimension_falls_last_layers, false);
  // A fall within the seed noise is not a fall.
  const noisy = geometry().map((r) => (r.layer === 'fc1' && r.manifold === 'permuted' ? { ...r, radius_std: 0.5 } : r));
  assert.equal(held(noisy).permuted_radius_falls_last_layers, false);
});

test('geometryFindings: peak not analysed, explicit layer groups, bad tables', () => {
  const g = geometry().filter((r) => r.epoch !== 5);
  const f = geometryFindings(g, metrics(0.6, 0.97), { firstLayers: ['conv1', 'conv2'], lastLayers: ['conv3', 'fc1'] });
  assert.equal(f.peakAnalysisEpoch, 0);
  assert.match(f.notes.join(' '), /test peak \(epoch 5\) was not analysed; epoch 0 stands in/);
  assert.deepEqual(f.lastLayers, ['conv3', 'fc1']);
  assert.throws(
    () => geometryFindings([...geometry(), geometry()[0]], metrics(0.6, 0.97)),
    (e: Error) => e instanceof InputError && /appears twice/.test(e.message),
  );
  assert.throws(() => geometryFindings([], metrics(0.6, 0.97)), /empty/);
  assert.throws(() => geometryFindings(geometry(), []), /no test rows/);
  assert.throws(() => geometryFindings(geometry(), metrics(0.6, 0.97), { lastLayers: ['fc9'] }), /'fc9' is not in the geometry table/);
});

test('trainingSummary: peak (earliest of ties), drop, first epoch the permuted labels are fitted', () => {
  const m = metrics(0.6, 0.97);
  m.push({ epoch: 7, split: 'test', accuracy: 0.9 }); // a tie later than the peak does not move it
  const s = trainingSummary(m);
  assert.equal(s.peak.epoch, 5);
  assert.equal(s.last.epoch, 20);
  assert.ok(Math.abs(s.last.permuted - 0.97) < 1e-12);
  assert.equal(s.permutedFittedEpoch, 19); // 0.05 + 0.92·14/15 = 0.909
  assert.equal(s.memorized, true);
  assert.equal(trainingSummary(metrics(0.6, 0.5)).permutedFittedEpoch, null);
});

test('spearman, simcap point choice and summary', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.ok(Math.abs(spearman([1, 2, 3], [1, 1, 2]) - Math.sqrt(3) / 2) < 1e-12);
  const g = geometry();
  const pts = chooseSimcapPoints(g, 4, 50);
  assert.equal(pts.length, 4);
  assert.ok(pts.every((p) => p.layer !== 'logits'));
  const caps = pts.map((p) => Number(g.find((r) => r.epoch === p.epoch && r.layer === p.layer && r.manifold === p.manifold)!.capacity));
  const all = g.filter((r) => r.layer !== 'logits').map((r) => Number(r.capacity));
  assert.equal(caps[0], Math.min(...all));
  assert.equal(caps[3], Math.max(...all));
  const s = simcapSummary([
    { epoch: 0, layer: 'a', manifold: 'permuted', capacity: 0.1, simulated_capacity: 0.11, note: null },
    { epoch: 0, layer: 'b', manifold: 'permuted', capacity: 0.2, simulated_capacity: 0.18, note: null },
    { epoch: 0, layer: 'c', manifold: 'permuted', capacity: 0.3, simulated_capacity: 0.33, note: null },
    { epoch: 0, layer: 'd', manifold: 'restored', capacity: 0.4, simulated_capacity: NaN, note: 'not bracketed' },
  ]);
  assert.deepEqual([s.points, s.measured, s.unmeasured.length], [4, 3, 1]);
  assert.ok(Math.abs(s.medianRelError - 0.1) < 1e-9 && Math.abs(s.maxRelError - 0.1) < 1e-9);
  assert.ok(s.correlation > 0.9);
});

test('participationRatio equals allDataDimension().participationRatio (T ≤ N and T > N)', () => {
  const rng = new Rng(3);
  for (const [P, M, N] of [
    [4, 10, 60],
    [5, 20, 12],
    [3, 4, 12],
    [3, 5, 17], // T ≤ N, both odd: the Gram kernel's odd row and odd feature count
  ]) {
    const mf = Array.from({ length: P }, (_, p) => {
      const d = new Float64Array(M * N);
      rng.fillNormal(d);
      for (let i = 0; i < d.length; i++) d[i] = Math.max(0, d[i] + ((i % N) % (p + 2)));
      return { numPoints: M, ambientDim: N, data: d };
    });
    const a = allDataDimension(mf).participationRatio;
    const b = participationRatio(mf);
    assert.ok(Math.abs(a - b) < 1e-9 * a, `${P},${M},${N}: ${a} vs ${b}`);
  }
});
