// Issue 11: one answer on real activations whatever the seed (stable mode), while faithful mode keeps
// the reference's seed dependence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { manifoldAnalysis, manifoldAnalysisSeeds, manifoldsFromNpy, readNpy, Rng, type ManifoldPoints } from 'memgeo';
import { sharedDir } from './golden';

function realCase(): ManifoldPoints[] {
  const file = path.join(sharedDir, 'real', 'mlp_e4_relu4_unpermuted.npy');
  return manifoldsFromNpy(readNpy(file), file);
}

test('shared real case, 10 seeds: stable mode varies by at most 5%; faithful mode jumps like the reference', async () => {
  const data = realCase();
  const stable = await manifoldAnalysisSeeds(data, { seeds: 10, mode: 'stable' });
  for (const key of ['capacity', 'radius', 'dimension'] as const) {
    assert.ok(stable[key].relSpread <= 0.05, `stable ${key}: max/min − 1 = ${stable[key].relSpread}`);
  }
  assert.equal(stable.K.std, 0);
  assert.ok(stable.runs.every((r) => r.diagnostics.perManifold.degenerate.every((d) => !d)));
  const faithful = await manifoldAnalysisSeeds(data, { seeds: 10, mode: 'faithful' });
  // The reference gives 0.186, 0.181, 0.547, 0.532 for seeds 0–3.
  assert.ok(faithful.capacity.min < 0.25 && faithful.capacity.max > 0.45, `faithful capacity range ${faithful.capacity.min}–${faithful.capacity.max}`);
  assert.ok(faithful.capacity.relSpread > 1);
  // Diagnostics are present in every result.
  for (const r of [...stable.runs, ...faithful.runs]) {
    assert.equal(r.diagnostics.perManifold.centerNorm.length, 10);
    assert.ok(r.diagnostics.centerSubspace.costByK.length >= 1);
    assert.ok(r.diagnostics.solver.nnlsSolved > 0);
  }
});

test('manifoldAnalysisSeeds: seeds 0..n−1, sample std, spread', async () => {
  const rng = new Rng(9);
  const data = Array.from({ length: 5 }, () => ({ numPoints: 8, ambientDim: 20, data: rng.fillNormal(new Float64Array(160)) }));
  const s = await manifoldAnalysisSeeds(data, { seeds: 3, mode: 'faithful', nT: 50 });
  assert.deepEqual(s.seeds, [0, 1, 2]);
  const v = s.capacity.values;
  const mean = (v[0] + v[1] + v[2]) / 3;
  assert.ok(Math.abs(s.capacity.mean - mean) < 1e-15);
  assert.ok(Math.abs(s.capacity.std - Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / 2)) < 1e-15);
  assert.equal(s.capacity.relSpread, Math.max(...v) / Math.min(...v) - 1);
  const one = await manifoldAnalysis(data, { seed: 1, mode: 'faithful', nT: 50 });
  assert.equal(one.capacity, v[1]);
});

test('stable mode flags a manifold whose centre is tiny against its spread and leaves it out of the aggregates', async () => {
  // Five well-separated clouds and one whose centre sits almost at the global mean.
  const rng = new Rng(21);
  const N = 30;
  const M = 12;
  const data: ManifoldPoints[] = [];
  for (let i = 0; i < 6; i++) {
    const d = rng.fillNormal(new Float64Array(M * N));
    const shift = i < 5 ? 6 : 0;
    for (let s = 0; s < M; s++) d[s * N + i] += shift;
    data.push({ numPoints: M, ambientDim: N, data: d });
  }
  // Put manifold 5's centre at the mean of the other centres plus δ = 0.02 x its spread along
  // feature 29, so its offset from the global mean is 5δ/6: tiny against its spread.
  const five = data[5].data;
  const c5 = new Float64Array(N);
  const others = new Float64Array(N);
  for (let s = 0; s < M; s++) for (let f = 0; f < N; f++) c5[f] += five[s * N + f] / M;
  for (let i = 0; i < 5; i++) for (let s = 0; s < M; s++) for (let f = 0; f < N; f++) others[f] += data[i].data[s * N + f] / (5 * M);
  for (let s = 0; s < M; s++) for (let f = 0; f < N; f++) five[s * N + f] += others[f] - c5[f];
  for (let s = 0; s < M; s++) five[s * N + 29] += 0.02 * Math.sqrt(N);
  const r = await manifoldAnalysis(data, { mode: 'stable', seed: 0 });
  const deg = r.diagnostics.perManifold.degenerate;
  assert.equal(deg[5], true, `ratios ${r.diagnostics.perManifold.centerNormRatio}`);
  assert.equal(deg.filter(Boolean).length, 1);
  const keep = [0, 1, 2, 3, 4];
  const cap = 1 / (keep.reduce((s, i) => s + 1 / r.perManifold.capacity[i], 0) / keep.length);
  assert.ok(Math.abs(r.capacity - cap) < 1e-12);
  assert.ok(r.diagnostics.warnings.some((w) => /degenerate/.test(w)));
  const f = await manifoldAnalysis(data, { mode: 'faithful', seed: 0 });
  assert.ok(f.diagnostics.perManifold.degenerate.every((d) => !d));
  assert.ok(f.capacity < r.capacity, 'faithful keeps the degenerate manifold, which drags the harmonic mean down');
});
