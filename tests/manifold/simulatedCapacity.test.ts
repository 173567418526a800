import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinearSeparability, simulatedCapacity } from 'memgeo';
import { goldenManifolds, readGolden } from './golden';

test('separability test: exact answers on small configurations', () => {
  const sep = new LinearSeparability();
  // XOR in the plane: not separable; the same four points lifted by x·y: separable.
  const xor = Float64Array.of(0, 0, 1, 1, 0, 1, 1, 0);
  const y = [1, 1, -1, -1];
  assert.equal(sep.test(xor, 4, 2, y).separable, false);
  const lifted = Float64Array.of(0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0);
  assert.equal(sep.test(lifted, 4, 3, y).separable, true);
  // One dimension: a threshold separates, an interleaving does not.
  assert.equal(sep.test(Float64Array.of(-2, -1, 1, 2), 4, 1, [-1, -1, 1, 1]).separable, true);
  assert.equal(sep.test(Float64Array.of(-2, -1, 1, 2), 4, 1, [-1, 1, -1, 1]).separable, false);
  // A point carrying both labels is never separable.
  const dup = Float64Array.of(0.3, 0.7, 0.3, 0.7, 5, 5);
  assert.equal(sep.test(dup, 3, 2, [1, -1, 1]).separable, false);
  // A separable certificate has a positive margin on every point.
  const r = sep.test(Float64Array.of(1, 1, 2, 2, -1, -1, -2, -3), 4, 2, [1, 1, -1, -1]);
  assert.ok(r.separable && r.minMargin > 0 && r.gamma > 0);
});

test('simulated capacity agrees with the reference simcap runs (gauss P8 M20 N50, 50 trials)', () => {
  const g = readGolden('gauss_P8_M20_N50.json');
  const ref = (g.simcap as { alpha_sim: number }[]).map((s) => s.alpha_sim);
  const refMean = ref.reduce((a, b) => a + b) / ref.length;
  const mans = goldenManifolds(g);
  const ours = [0, 1].map((seed) => simulatedCapacity(mans, { nRep: 50, seed }));
  for (const o of ours) {
    assert.equal(o.ambiguous, 0);
    assert.ok(
      o.pVec.every((p, i) => i === 0 || p >= o.pVec[i - 1] - 0.2),
      'p(N) roughly increasing',
    );
  }
  const mean = ours.reduce((s, o) => s + o.capacity, 0) / ours.length;
  assert.ok(Math.abs(mean - refMean) < 0.04, `ours ${mean} vs reference ${refMean} (${ref.join(', ')})`);
  // Same seed, same answer.
  assert.equal(simulatedCapacity(mans, { nRep: 50, seed: 0 }).capacity, ours[0].capacity);
});
