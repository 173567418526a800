import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifoldAnalysis, Rng, type ManifoldPoints } from 'memgeo';

function clouds(P: number, M: number, N: number, seed: number): ManifoldPoints[] {
  const rng = new Rng(seed);
  return Array.from({ length: P }, () => ({ numPoints: M, ambientDim: N, data: rng.fillNormal(new Float64Array(M * N)) }));
}

test('theory: unstructured Gaussian clouds (N >> M) have capacity close to 2/M', async () => {
  for (const [P, M, N] of [
    [16, 8, 400],
    [20, 10, 1000],
  ]) {
    for (const mode of ['faithful', 'stable'] as const) {
      const r = await manifoldAnalysis(clouds(P, M, N, 1), { mode, seed: 0 });
      assert.ok(Math.abs(r.capacity / (2 / M) - 1) < 0.1, `P=${P} M=${M} N=${N} ${mode}: capacity ${r.capacity} vs 2/M = ${2 / M}`);
    }
  }
});

test('same seed, same result; worker threads give the same numbers as the main thread', async () => {
  const data = clouds(6, 12, 40, 2);
  for (const mode of ['faithful', 'stable'] as const) {
    const a = await manifoldAnalysis(data, { mode, seed: 3, concurrency: 1 });
    const b = await manifoldAnalysis(data, { mode, seed: 3, concurrency: 2 });
    assert.equal(b.diagnostics.workers, 2);
    assert.deepEqual(a.perManifold, b.perManifold);
    assert.equal(a.capacity, b.capacity);
    const c = await manifoldAnalysis(data, { mode, seed: 4, concurrency: 1 });
    assert.notEqual(c.capacity, a.capacity, 'another seed draws other t-vectors');
  }
});

test('random projection is applied above projectionDim and is seeded', async () => {
  const data = clouds(4, 10, 300, 3);
  const a = await manifoldAnalysis(data, { projectionDim: 100, seed: 1 });
  const b = await manifoldAnalysis(data, { projectionDim: 100, seed: 1 });
  assert.deepEqual(a.diagnostics.projection, { applied: true, fromDim: 300, toDim: 100 });
  assert.equal(a.capacity, b.capacity);
  const c = await manifoldAnalysis(data, { projectionDim: 300, seed: 1 });
  assert.equal(c.diagnostics.projection.applied, false);
});

test('small P: K is capped below the basis dimension instead of failing like the reference', async () => {
  for (const P of [2, 3, 4, 6]) {
    const r = await manifoldAnalysis(clouds(P, 10, 30, P), { mode: 'faithful', seed: 0 });
    assert.ok(Number.isFinite(r.capacity) && Number.isFinite(r.radius) && Number.isFinite(r.dimension), `P=${P}`);
    assert.ok(r.K <= Math.max(0, P - 2), `P=${P}: K=${r.K}`);
    if (P === 2) {
      assert.equal(r.K, 0);
      assert.ok(r.diagnostics.warnings.some((w) => /no centre direction can be removed/.test(w)));
    } else assert.ok(r.diagnostics.warnings.some((w) => /K capped at/.test(w)));
  }
});
