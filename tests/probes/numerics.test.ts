import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knnProbe, knnPredict, crossGram, linearProbe, predictionDepth, Rng, InputError } from 'memgeo';

/** n points per class around C well-separated centres (or one shared centre), d features. */
function blobs(C: number, n: number, d: number, spread: number, seed: number, separated = true) {
  const rng = new Rng(seed);
  const centres = Array.from({ length: C }, () => Float64Array.from({ length: d }, () => (separated ? 5 * rng.normal() : 0)));
  const data = new Float32Array(C * n * d);
  const labels = new Int32Array(C * n);
  for (let c = 0; c < C; c++)
    for (let i = 0; i < n; i++) {
      const r = c * n + i;
      labels[r] = c;
      for (let t = 0; t < d; t++) data[r * d + t] = centres[c][t] + spread * rng.normal() + 3; // offset: cosine must still work
    }
  return { x: { data, rows: C * n, cols: d }, labels };
}

test('kNN probe: separable classes are classified perfectly, overlapping ones near chance (leave-one-out and fit/eval)', () => {
  const sep = blobs(4, 40, 20, 0.5, 1);
  for (const metric of ['cosine', 'euclidean'] as const) {
    assert.equal(knnProbe(sep, undefined, { k: 30, metric, numClasses: 4 }).accuracy, 1, metric);
    const held = blobs(4, 40, 20, 0.5, 1);
    assert.equal(knnProbe(sep, held, { k: 30, metric, numClasses: 4 }).accuracy, 1);
  }
  // Same distribution for every class: accuracy ≈ 1/4 (binomial sd over 400 points ≈ 0.02).
  const same = blobs(4, 100, 20, 1, 2, false);
  const loo = knnProbe(same, undefined, { k: 30, numClasses: 4 });
  assert.equal(loo.nFit, 399);
  assert.equal(loo.nEval, 400);
  assert.ok(Math.abs(loo.accuracy - 0.25) < 0.08, `accuracy ${loo.accuracy}`);
});

test('kNN: the k nearest vote; ties go to the nearest neighbour; leave-one-out skips the example itself', () => {
  // 1-D points: fitted at 0, 1, 2 (class 0) and 10, 11 (class 1).
  const fit = { data: Float32Array.of(0, 1, 2, 10, 11), rows: 5, cols: 1 };
  const lab = Int32Array.of(0, 0, 0, 1, 1);
  const ev = { data: Float32Array.of(9, 1.5), rows: 2, cols: 1 };
  const g = crossGram(ev, fit);
  assert.deepEqual([...knnPredict(g, lab, { k: 3, metric: 'euclidean', numClasses: 2 })], [1, 0]);
  // k = 4 at 9: two of each class; class 1 holds the nearest (10).
  assert.deepEqual([...knnPredict(g, lab, { k: 4, metric: 'euclidean', numClasses: 2 })], [1, 0]);
  // Leave-one-out with k = 1: 10's only other neighbour of its class is 11; 2's nearest is 1.
  const self = crossGram(fit, fit);
  assert.deepEqual(
    [...knnPredict(self, lab, { k: 1, metric: 'euclidean', numClasses: 2, exclude: Int32Array.of(0, 1, 2, 3, 4) })],
    [0, 0, 0, 1, 1],
  );
});

test('kNN: k larger than the fitted set and bad metrics are InputErrors', () => {
  const s = blobs(2, 5, 3, 1, 3);
  assert.throws(
    () => knnProbe(s, undefined, { k: 10, numClasses: 2 }),
    (e: unknown) => e instanceof InputError && /k = 10 .* only 9/.test((e as Error).message),
  );
  assert.throws(() => knnProbe(s, s, { k: 11, numClasses: 2 }), InputError);
  assert.throws(() => knnProbe(s, s, { k: 0, numClasses: 2 }), InputError);
  assert.throws(() => knnProbe(s, s, { k: 3, numClasses: 2, metric: 'manhattan' as never }), /unknown kNN metric/);
});

test('linear probe: ≥ 0.99 held-out accuracy on a linearly separable set, chance on random labels (fixed fit/eval split)', () => {
  // Separable by a hyperplane through noise: labels = argmax of 5 fixed linear scores of Gaussian inputs, with a margin.
  const rng = new Rng(7);
  const d = 20;
  const C = 5;
  const Wt = Float64Array.from({ length: C * d }, () => rng.normal());
  const make = (n: number) => {
    const data = new Float32Array(n * d);
    const labels = new Int32Array(n);
    for (let i = 0; i < n;) {
      const x = Float64Array.from({ length: d }, () => rng.normal());
      const s = Array.from({ length: C }, (_, c) => x.reduce((a, v, t) => a + v * Wt[c * d + t], 0));
      const sorted = [...s].sort((a, b) => b - a);
      if (sorted[0] - sorted[1] < 2) continue; // a margin
      data.set(x, i * d);
      labels[i++] = s.indexOf(sorted[0]);
    }
    return { x: { data, rows: n, cols: d }, labels };
  };
  const fit = make(400);
  const held = make(400);
  const r = linearProbe(fit, held, { numClasses: C });
  assert.ok(r.accuracy >= 0.99, `held-out accuracy ${r.accuracy}`);
  assert.equal(r.nFit, 400);
  // The same inputs with labels drawn at random: nothing to generalize (held-out ≈ 1/C).
  const randomLabels = (s: { x: typeof fit.x; labels: Int32Array }) => ({ x: s.x, labels: Int32Array.from(s.labels, () => rng.int(C)) });
  const noise = linearProbe(randomLabels(fit), randomLabels(held), { numClasses: C });
  assert.ok(Math.abs(noise.accuracy - 1 / C) < 0.07, `random-label accuracy ${noise.accuracy}`);
});

test('linear probe: bad settings are InputErrors', () => {
  const s = blobs(2, 5, 3, 1, 3);
  assert.throws(() => linearProbe(s, s, { numClasses: 2, iterations: 0 }), InputError);
  assert.throws(() => linearProbe(s, s, { numClasses: 2, lambda: -1 }), InputError);
  assert.throws(() => linearProbe({ x: s.x, labels: s.labels.map(() => 5) }, s, { numClasses: 2 }), /outside/);
});

test('prediction depth: the earliest layer from which every later kNN prediction equals the output', () => {
  // 4 layers, 5 examples; the network predicts [1, 1, 2, 0, 3].
  const layers = [Int32Array.of(1, 0, 2, 0, 0), Int32Array.of(1, 1, 0, 0, 3), Int32Array.of(1, 1, 2, 1, 3), Int32Array.of(1, 1, 2, 0, 0)];
  const net = Int32Array.of(1, 1, 2, 0, 3);
  assert.deepEqual([...predictionDepth(layers, net)], [0, 1, 2, 3, 4]);
  // Reported as layer indices of the probed layers; "never" is one past the last index.
  assert.deepEqual([...predictionDepth(layers, net, { depths: [0, 2, 5, 6] })], [0, 2, 5, 6, 7]);
  assert.throws(() => predictionDepth([Int32Array.of(1)], net), InputError);
  assert.throws(() => predictionDepth([], net), InputError);
});
