// The analysis keeps its worker threads between calls (manifold/analysisPool.ts). A thread that has
// served one analysis must give the next one exactly what a fresh thread gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAnalysisPools, manifoldAnalysis, Rng, type ManifoldPoints } from 'memgeo';

function clouds(seed: number): ManifoldPoints[] {
  const rng = Rng.derive(seed, 'pool-test');
  // A shared offset per manifold, so that the centres are correlated and the centre step has work.
  return Array.from({ length: 16 }, (_, i) => {
    const data = rng.fillNormal(new Float64Array(12 * 80));
    for (let s = 0; s < 12; s++) for (let f = 0; f < 80; f++) data[s * 80 + f] += 2 * Math.sin(i + f * 0.1);
    return { numPoints: 12, ambientDim: 80, data };
  });
}

test('kept analysis threads: reused threads give the results of fresh ones, in both modes', async () => {
  const a = clouds(1);
  const b = clouds(2);
  const strip = (r: Awaited<ReturnType<typeof manifoldAnalysis>>) => ({
    ...r,
    seconds: 0,
    diagnostics: { ...r.diagnostics, timing: null },
  });
  for (const mode of ['stable', 'faithful'] as const) {
    const opts = { mode, concurrency: 2, nT: 60, nReps: 3 };
    await closeAnalysisPools();
    const freshA = strip(await manifoldAnalysis(a, opts));
    await closeAnalysisPools();
    const freshB = strip(await manifoldAnalysis(b, opts));
    // Now one pool serves b, then a, then both at once.
    const reusedB = strip(await manifoldAnalysis(b, opts));
    const reusedA = strip(await manifoldAnalysis(a, opts));
    const [bothA, bothB] = (await Promise.all([manifoldAnalysis(a, opts), manifoldAnalysis(b, opts)])).map(strip);
    assert.deepEqual(reusedA, freshA, `${mode}: a after b`);
    assert.deepEqual(reusedB, freshB, `${mode}: b again`);
    assert.deepEqual(bothA, freshA, `${mode}: a alongside b`);
    assert.deepEqual(bothB, freshB, `${mode}: b alongside a`);
    assert.equal(freshA.diagnostics.workers, 2);
  }
  await closeAnalysisPools();
});
