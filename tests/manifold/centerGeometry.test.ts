import { test } from 'node:test';
import assert from 'node:assert/strict';
import { centerGeometry, maxKRule, allDataDimension, symmetricEigenvalues, Rng, type ManifoldPoints } from 'memgeo';
import { goldenCaseFiles, goldenManifolds, readGolden, relErr } from './golden';

const allCases = () => [...goldenCaseFiles('corr'), ...goldenCaseFiles('nocorr')];

test('centre SVD fractions, maxK and centre correlation match the reference to 1e-6', () => {
  const files = allCases();
  assert.ok(files.length >= 7, 'expected the golden case files');
  for (const file of files) {
    const g = readGolden(file);
    const geom = centerGeometry(goldenManifolds(g));
    const cs = g.deterministic.center_stats;
    assert.equal(geom.centerSvCumFrac.length, cs.center_sv_cumfrac.length, file);
    cs.center_sv_cumfrac.forEach((v: number, i: number) => assert.ok(relErr(geom.centerSvCumFrac[i], v) < 1e-6, `${file} cumfrac[${i}]`));
    assert.equal(geom.maxK, cs.maxK_rule, `${file} maxK`);
    if (g.kind === 'corr') assert.ok(relErr(geom.centerCorrelation, g.runs[0].outputs.center_correlation) < 1e-6, `${file} rho_c`);
  }
});

test('participation ratio and 90% explained-variance dimension match the reference', () => {
  for (const file of allCases()) {
    const g = readGolden(file);
    const a = allDataDimension(goldenManifolds(g));
    const r = g.deterministic.alldata;
    assert.ok(
      relErr(a.participationRatio, r.D_participation_ratio) < 1e-6,
      `${file} PR ${a.participationRatio} vs ${r.D_participation_ratio}`,
    );
    assert.equal(a.explainedVarianceDim, r.D_explained_variance_90, `${file} explained-variance dim`);
    assert.equal(a.featureDim, r.D_feature);
  }
});

test('maxK rule: count below 0.95 plus 10, or 11 when none is below', () => {
  assert.equal(maxKRule([0.5, 0.8, 0.94, 0.99, 1]), 13);
  assert.equal(maxKRule([0.96, 1]), 11);
  assert.equal(maxKRule([0.2, 0.96, 1]), 11);
});

test('centre correlation of a regular simplex is 1/(P-1); symmetric eigenvalues are exact on a diagonal', () => {
  // Centres at the P standard basis vectors, two points each around them.
  const P = 6;
  const N = 8;
  const mans: ManifoldPoints[] = [];
  for (let i = 0; i < P; i++) {
    const data = new Float64Array(2 * N);
    data[i] = 1.1;
    data[N + i] = 0.9;
    data[6] = 0.3; // shared offset along feature 6 and opposite along 7: centres stay e_i
    data[N + 6] = -0.3;
    mans.push({ numPoints: 2, ambientDim: N, data });
  }
  const geom = centerGeometry(mans);
  assert.ok(Math.abs(geom.centerCorrelation - 1 / (P - 1)) < 1e-12);
  const ev = symmetricEigenvalues(Float64Array.of(3, 0, 0, 0, 1, 0, 0, 0, 2), 3);
  assert.deepEqual([...ev], [3, 2, 1]);
});

test('all-data dimension when there are more points than features (the reference drops a real singular value)', () => {
  const rng = new Rng(5);
  const N = 6;
  const mans: ManifoldPoints[] = [0, 1, 2].map(() => ({ numPoints: 10, ambientDim: N, data: rng.fillNormal(new Float64Array(10 * N)) }));
  const a = allDataDimension(mans);
  // Independent computation from the N × N covariance.
  const T = 30;
  const x = new Float64Array(T * N);
  mans.forEach((m, i) => x.set(m.data, i * 10 * N));
  const mean = new Float64Array(N);
  for (let t = 0; t < T; t++) for (let f = 0; f < N; f++) mean[f] += x[t * N + f] / T;
  const c = new Float64Array(N * N);
  for (let t = 0; t < T; t++)
    for (let p = 0; p < N; p++) for (let q = 0; q < N; q++) c[p * N + q] += (x[t * N + p] - mean[p]) * (x[t * N + q] - mean[q]);
  const lam = symmetricEigenvalues(c, N).subarray(0, N - 1);
  const s1 = lam.reduce((s, v) => s + v, 0);
  const s2 = lam.reduce((s, v) => s + v * v, 0);
  assert.ok(relErr(a.participationRatio, (s1 * s1) / s2) < 1e-10);
});
