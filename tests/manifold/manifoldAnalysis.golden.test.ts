// The full analysis against the reference's golden outputs (tests/fixtures/mftma/golden): deterministic
// per-manifold results where t-vectors are stored (nocorr), statistical agreement otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifoldAnalysis, type AnalysisMode, type ManifoldAnalysisResult } from 'memgeo';
import { goldenCaseFiles, goldenManifolds, readGolden, relErr, tVectorsRowMajor } from './golden';

test('nocorr cases with the stored t-vectors reproduce the reference per manifold to 1e-6', async () => {
  const files = goldenCaseFiles('nocorr');
  assert.ok(files.length >= 3);
  for (const file of files) {
    const g = readGolden(file);
    const tVectors = (g.t_vecs_seed0 as number[][][]).map(tVectorsRowMajor);
    for (const mode of ['faithful', 'stable'] as AnalysisMode[]) {
      // Stored t-vectors override the stable mode's own draws, so both modes must agree exactly here.
      const r = await manifoldAnalysis(goldenManifolds(g), {
        mode,
        centerCorrelation: false,
        kappa: g.params.kappa,
        nT: g.params.n_t,
        tVectors,
        concurrency: 1,
      });
      const o = g.runs[0].outputs;
      assert.equal(r.K, 0);
      for (const key of ['capacity', 'radius', 'dimension'] as const) {
        r.perManifold[key].forEach((v, i) => assert.ok(relErr(v, o[key][i]) < 1e-6, `${file} ${mode} ${key}[${i}]: ${v} vs ${o[key][i]}`));
      }
      assert.ok(relErr(r.capacity, o.capacity_inv_mean) < 1e-6);
      assert.ok(relErr(r.radius, o.radius_mean) < 1e-6);
      assert.ok(relErr(r.dimension, o.dimension_mean) < 1e-6);
      r.diagnostics.perManifold.centerNorm.forEach((v, i) =>
        assert.ok(relErr(v, o.center_norms_after_global_mean[i]) < 1e-9, `${file} centre norm ${i}`),
      );
      assert.deepEqual(r.diagnostics.perManifold.reducedDim, o.reduced_dim_D);
    }
  }
});

/**
 * |our mean over n seeds − reference mean over 20 seeds| ≤ 3·σ₂₀·√(1 + 1/n) for capacity (1/mean 1/α),
 * radius and dimension, and K equal to the reference's in every seed. Seeds 0..n−1; nothing tuned.
 */
async function statisticalCheck(file: string, mode: AnalysisMode, nSeeds: number): Promise<void> {
  const g = readGolden(file);
  const mans = goldenManifolds(g);
  const runs: ManifoldAnalysisResult[] = [];
  for (let seed = 0; seed < nSeeds; seed++)
    runs.push(await manifoldAnalysis(mans, { mode, seed, kappa: g.params.kappa, nT: g.params.n_t, nReps: g.params.n_reps }));
  const refK = new Set(g.runs.map((r: { outputs: { K: number } }) => r.outputs.K));
  assert.equal(refK.size, 1, 'reference K constant across seeds');
  const K = [...refK][0];
  runs.forEach((r, s) => assert.equal(r.K, K, `${file} ${mode} seed ${s}: K ${r.K} vs reference ${K}`));
  const ext = g.extended_spread;
  const pairs: [string, (r: ManifoldAnalysisResult) => number][] = [
    ['capacity_inv_mean', (r) => r.capacity],
    ['radius_mean', (r) => r.radius],
    ['dimension_mean', (r) => r.dimension],
  ];
  for (const [key, get] of pairs) {
    const mean = runs.reduce((s, r) => s + get(r), 0) / nSeeds;
    const bound = 3 * ext[key].std * Math.sqrt(1 + 1 / nSeeds);
    assert.ok(
      Math.abs(mean - ext[key].mean) <= bound,
      `${file} ${mode} ${key}: ours ${mean.toFixed(5)} vs reference ${ext[key].mean.toFixed(5)} ± ${bound.toFixed(5)}`,
    );
  }
}

for (const mode of ['faithful', 'stable'] as AnalysisMode[]) {
  test(`full path (${mode}): capacity, radius, dimension within 3σ₂₀√(1+1/n) of the reference mean, K equal`, async () => {
    const files = goldenCaseFiles('corr');
    assert.ok(files.length >= 4);
    for (const file of files) await statisticalCheck(file, mode, 5);
  });
}

test('theory: sphere case near the continuous-ball capacity, radius near 1', async () => {
  const g = readGolden('sphere_P8_D3_R1_M50_N100.json');
  const ball = g.deterministic.theory_full_ball_alpha_kappa0;
  const mans = goldenManifolds(g);
  let cap = 0;
  let rad = 0;
  for (let seed = 0; seed < 3; seed++) {
    const r = await manifoldAnalysis(mans, { mode: 'faithful', seed });
    cap += r.capacity / 3;
    rad += r.radius / 3;
  }
  assert.ok(Math.abs(cap / ball - 1) < 0.1, `capacity ${cap} vs ball ${ball}`);
  assert.ok(Math.abs(rad - 1) < 0.05, `radius ${rad} vs sphere radius 1 (projection makes it ≈ 1.015)`);
  // 20 sampled points on a 3-sphere (nocorr): at least the ball's capacity, and not far above.
  const g2 = readGolden('nocorr_sphere_P4_D3_R1_M20_N40.json');
  const ball2 = g2.deterministic.theory_full_ball_alpha_kappa0;
  let cap2 = 0;
  for (let seed = 0; seed < 5; seed++)
    cap2 += (await manifoldAnalysis(goldenManifolds(g2), { mode: 'faithful', seed, centerCorrelation: false })).capacity / 5;
  assert.ok(cap2 >= 0.95 * ball2 && cap2 <= 1.3 * ball2, `sampled sphere capacity ${cap2} vs ball ${ball2}`);
});
