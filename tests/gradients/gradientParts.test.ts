// The split of each example's gradient into a label-independent part J(p − ū) and a label-dependent part J(ū − y).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  checkpointGradients,
  createModel,
  gradientRows,
  gradientScalingRows,
  gradientScalingSlopes,
  groupGradient,
  initBackend,
  InputError,
  referenceDistribution,
  Rng,
  type GroupIndices,
  type Model,
  type ModelSpec,
} from 'memgeo';
import { syntheticSplit } from '../train/fixtures';
import { assertClose, batchOf, layerGradients, modelWithStats } from './fixtures';

const K = 4;

/**
 * Reference: per layer, the parameter gradient of Σ_i c_i·z_i in one batch, with the cotangent c_i
 * at the logits given per example as constants (computed here from the logits, outside the tape).
 */
function gradientForCotangent(
  model: Model,
  images: Float32Array,
  shape: [number, number, number],
  idx: number[],
  cotangent: (logits: Float32Array[], i: number) => Float32Array,
): Float32Array[] {
  const x = batchOf(images, shape, idx);
  const z = tf.tidy(() => model.forward(x, false).arraySync() as number[][]).map((r) => Float32Array.from(r));
  const c = tf.tensor2d(idx.map((_, k) => Array.from(cotangent(z, k))));
  const out = layerGradients(model, () => tf.sum(tf.mul(model.forward(x, false), c)) as tf.Scalar);
  tf.dispose([x, c]);
  return out;
}

const softmax = (z: Float32Array) => {
  const m = Math.max(...z);
  const e = Array.from(z, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return Float32Array.from(e, (v) => v / s);
};
const oneHot = (y: number) => Float32Array.from({ length: K }, (_, c) => (c === y ? 1 : 0));
const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

const MODELS: { name: string; spec: ModelSpec; shape: [number, number, number] }[] = [
  { name: 'MLP', spec: { family: 'mlp', depth: 2, width: 16 }, shape: [8, 8, 1] },
  { name: 'CNN with batch norm (VGG-11)', spec: { family: 'vgg', depth: 11, width: 1 / 16 }, shape: [28, 28, 1] },
  { name: 'ResNet blocks (preactivation, batch norm)', spec: { family: 'resnet18', width: 1 }, shape: [8, 8, 1] },
];

for (const m of MODELS) {
  test(`${m.name}: the label-independent and label-dependent parts add up to the total; each matches its direct gradient`, async () => {
    await initBackend();
    const split = syntheticSplit(30, m.shape, K, 3);
    // Unbalanced labels, so the two reference distributions differ.
    const labels = Int32Array.from(split.labels, (y, i) => (i % 5 === 0 ? 0 : y));
    const groups: GroupIndices[] = [
      { group: 'unpermuted', indices: Int32Array.from({ length: 18 }, (_, i) => i) },
      { group: 'permuted', indices: Int32Array.from({ length: 12 }, (_, i) => 18 + i) },
    ];
    const model = modelWithStats(m.spec, m.shape, K);
    for (const reference of ['uniform', 'class_frequencies'] as const) {
      const ubar = referenceDistribution(reference, labels, K);
      const before = tf.memory().numTensors;
      const result = checkpointGradients(model, split.images, labels, groups, 7, reference);
      assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
      assert.equal(result.reference, reference);
      for (const g of groups) {
        const idx = Array.from(g.indices);
        const total = gradientForCotangent(model, split.images, m.shape, idx, (z, k) =>
          softmax(z[k]).map((p, c) => p - oneHot(labels[idx[k]])[c]),
        );
        const independent = gradientForCotangent(model, split.images, m.shape, idx, (z, k) => softmax(z[k]).map((p, c) => p - ubar[c]));
        const dependent = gradientForCotangent(model, split.images, m.shape, idx, (_z, k) =>
          ubar.map((u, c) => u - oneHot(labels[idx[k]])[c]),
        );
        result.layers.forEach((l, k) => {
          const part = (p: 'total' | 'label_independent' | 'label_dependent') =>
            groupGradient(result, g.group, l.layerIndex, 'gradient', p).map((v) => v * g.indices.length);
          const [t, li, ld] = [part('total'), part('label_independent'), part('label_dependent')];
          const sum = li.map((v, i) => v + ld[i]);
          assertClose(sum, t, `${reference} ${l.layer} ${g.group}: parts add up to the total`, 1e-5);
          assertClose(t, total[k], `${reference} ${l.layer} ${g.group}: total`);
          assertClose(ld, dependent[k], `${reference} ${l.layer} ${g.group}: label-dependent part`);
          assertClose(li, independent[k], `${reference} ${l.layer} ${g.group}: label-independent part`, 1e-3);
        });
      }
      // Contributions of each part add up over the groups to the same part of the full-batch gradient.
      const l = result.layers[result.layers.length - 1];
      for (const part of ['label_independent', 'label_dependent'] as const) {
        const c = groups.map((g) => groupGradient(result, g.group, l.layerIndex, 'contribution', part));
        assertClose(
          c[0].map((v, i) => v + c[1][i]),
          groupGradient(result, 'full', l.layerIndex, 'gradient', part),
          `${part} contributions`,
        );
      }
    }
    model.dispose();
  });
}

test('a model whose logits are exactly uniform has a zero label-independent part (uniform ū), not with ū = class frequencies', async () => {
  await initBackend();
  const shape: [number, number, number] = [8, 8, 1];
  const split = syntheticSplit(24, shape, K, 4);
  const labels = Int32Array.from(split.labels, (y, i) => (i < 8 ? 0 : y));
  const model = createModel({ family: 'mlp', depth: 2, width: 16 }, shape, K, 1);
  // Every class gets the same logit whatever the input: equal rows of the output weights, equal biases.
  for (const p of model.layerParams('logits')) {
    const v = p.variable;
    const values =
      v.shape.length === 2
        ? Array.from({ length: v.shape[0] }, (_, i) => Array.from({ length: v.shape[1]! }, () => 0.1 * Math.sin(i + 1)))
        : new Array(v.shape[0]).fill(0.3);
    tf.tidy(() => v.assign(tf.tensor(values.flat(), v.shape)));
  }
  const z = tf.tidy(() => model.forward(tf.tensor4d(split.images, [24, ...shape]), false).arraySync() as number[][]);
  assert.ok(
    z.every((row) => row.every((v) => v === row[0])) && z.some((row) => row[0] !== z[0][0]),
    'equal logits within each example, varying across examples',
  );
  const groups: GroupIndices[] = [{ group: 'unpermuted', indices: Int32Array.from({ length: 24 }, (_, i) => i) }];
  const uniform = checkpointGradients(model, split.images, labels, groups, 5, 'uniform');
  const logits = uniform.layers.find((l) => l.layer === 'logits')!;
  const at = (r: typeof uniform, part: 'total' | 'label_independent' | 'label_dependent', layerIndex = logits.layerIndex) =>
    norm(groupGradient(r, 'unpermuted', layerIndex, 'gradient', part));
  assert.ok(at(uniform, 'label_dependent') > 1e-3, `label-dependent part ${at(uniform, 'label_dependent')}`);
  for (const l of uniform.layers)
    assert.ok(
      at(uniform, 'label_independent', l.layerIndex) <= 1e-6 * at(uniform, 'label_dependent'),
      `${l.layer}: label-independent ${at(uniform, 'label_independent', l.layerIndex)}`,
    );
  assert.ok(Math.abs(at(uniform, 'total') / at(uniform, 'label_dependent') - 1) < 1e-5, 'the total is the label-dependent part');
  const rows = gradientRows(uniform, 0).filter((r) => r.layer === 'logits' && r.group === 'unpermuted');
  assert.deepEqual(
    rows.map((r) => r.part),
    ['total', 'label_independent', 'label_dependent'],
  );
  assert.ok(Number(rows[1].grad_norm) <= 1e-6 * Number(rows[2].grad_norm));
  // With ū = the (unbalanced) class frequencies, p − ū ≠ 0 although p is uniform.
  const freq = checkpointGradients(model, split.images, labels, groups, 5, 'class_frequencies');
  assert.ok(at(freq, 'label_independent') > 0.05 * at(freq, 'label_dependent'));
  model.dispose();
});

/**
 * Images that are a noisy copy of one of K patterns, so the class is a function of the input.
 * Patterns: disjoint blocks of pixels at amplitude 4, so that the features of a random network differ
 * between classes and are large next to the logits' bias, whose label-dependent gradient Σ_i (ū − y_i)
 * only counts labels (∝ √n for either kind of label).
 */
function patternImages(count: number, seed: number): { images: Float32Array; cls: Int32Array } {
  const side = 8;
  const rng = Rng.derive(seed, 'patterns');
  const images = new Float32Array(count * side * side);
  const cls = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = rng.int(K);
    cls[i] = c;
    for (let j = 0; j < side * side; j++) images[i * side * side + j] = (Math.floor(j / (side * 2)) === c ? 4 : 0) + 0.1 * rng.normal();
  }
  return { images, cls };
}

test('label-dependent sums: ∝ √n for labels independent of the inputs, ∝ n for a label that is a function of the input', async () => {
  await initBackend();
  const shape: [number, number, number] = [8, 8, 1];
  const half = 1024;
  const { images, cls } = patternImages(2 * half, 11);
  const rng = Rng.derive(12, 'random-labels');
  // First half: label = the input's class; second half: a label drawn independently of the input.
  const labels = Int32Array.from(cls, (c, i) => (i < half ? c : rng.int(K)));
  const groups: GroupIndices[] = [
    { group: 'unpermuted', indices: Int32Array.from({ length: half }, (_, i) => i) },
    { group: 'permuted', indices: Int32Array.from({ length: half }, (_, i) => half + i) },
  ];
  const model = createModel({ family: 'mlp', depth: 2, width: 32 }, shape, K, 3);
  const rows = gradientScalingRows(model, images, labels, groups, 0, {
    ns: [8, 16, 32, 64, 128, 256, 512, 1024],
    draws: 3,
    seed: 5,
    batchSize: 256,
  });
  const slopes = gradientScalingSlopes(rows);
  const slope = (layer: string, group: string, part = 'label_dependent') =>
    Number(slopes.find((s) => s.layer === layer && s.group === group && s.part === part)!.slope);
  const report = model.layerNames.map((l) => `${l} ${slope(l, 'unpermuted').toFixed(2)} / ${slope(l, 'permuted').toFixed(2)}`).join(', ');
  for (const layer of model.layerNames) {
    assert.ok(
      Math.abs(slope(layer, 'permuted') - 0.5) <= 0.1,
      `independent labels, ${layer}: slope ${slope(layer, 'permuted')} (${report})`,
    );
    assert.ok(
      Math.abs(slope(layer, 'unpermuted') - 1) <= 0.1,
      `label a function of the input, ${layer}: slope ${slope(layer, 'unpermuted')} (${report})`,
    );
    // What the split separates: the label-independent part is coherent whatever the labels.
    assert.ok(
      slope(layer, 'permuted', 'label_independent') >= 0.8,
      `independent labels, ${layer}: label-independent slope ${slope(layer, 'permuted', 'label_independent')}`,
    );
  }
  console.log(`label-dependent slopes, function of input / independent: ${report}`);
  model.dispose();
});

test('bad reference distributions are refused', async () => {
  await initBackend();
  assert.throws(
    () => referenceDistribution('flat' as 'uniform', new Int32Array(3), K),
    (e: Error) => e instanceof InputError && /unknown 'flat'/.test(e.message),
  );
  assert.throws(() => referenceDistribution('class_frequencies', Int32Array.from([0, 7]), K), /label 7 outside 0\.\.3/);
  assert.deepEqual(Array.from(referenceDistribution('class_frequencies', Int32Array.from([0, 0, 1, 3]), K)), [0.5, 0.25, 0, 0.25]);
});
