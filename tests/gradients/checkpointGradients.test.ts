import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  checkpointGradients,
  createModel,
  crossEntropy,
  GradientAccumulator,
  gradientGroups,
  gradientRows,
  groupGradient,
  initBackend,
  InputError,
  permuteLabels,
  summedLayerGradients,
  type Model,
  type NoisyLabels,
} from 'memgeo';
import { syntheticSplit } from '../train/fixtures';
import { assertClose, batchOf, layerGradients, modelWithStats } from './fixtures';

const SHAPE: [number, number, number] = [8, 8, 1];
const K = 4;

function modelWithStatsOf(family: 'cnn' | 'resnet18'): Model {
  return modelWithStats(family === 'cnn' ? { family, width: 0.25 } : { family, width: 1 }, SHAPE, K);
}

/** ∇ of the mean loss over `idx`, in one batch, inference mode, per layer concatenated (the reference). */
function directGradient(model: Model, images: Float32Array, labels: Int32Array, idx: number[]): Float32Array[] {
  const x = batchOf(images, SHAPE, idx);
  const y = tf.tensor1d(
    Int32Array.from(idx, (i) => labels[i]),
    'int32',
  );
  const out = layerGradients(model, () => crossEntropy(model.forward(x, false), y, K));
  tf.dispose([x, y]);
  return out;
}

const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

test('gradientGroups partitions the training set into unpermuted, permuted and unchanged-by-chance', () => {
  const noisy: NoisyLabels = {
    kind: 'permute',
    epsilon: 0.5,
    seed: 0,
    numClasses: 3,
    trueLabel: Int32Array.from([0, 1, 2, 0, 1, 2]),
    trainLabel: Int32Array.from([0, 2, 1, 0, 1, 2]),
    isPermuted: Uint8Array.from([0, 1, 1, 0, 0, 0]),
    isSelected: Uint8Array.from([0, 1, 1, 1, 0, 0]),
    unchangedByChance: 1,
    excludeUnchanged: true,
  };
  const g = gradientGroups(noisy);
  assert.deepEqual(
    g.map((x) => [x.group, Array.from(x.indices)]),
    [
      ['unpermuted', [0, 4, 5]],
      ['permuted', [1, 2]],
      ['unchanged', [3]],
    ],
  );
  assert.deepEqual(
    gradientGroups({ ...noisy, isSelected: new Uint8Array(6), isPermuted: new Uint8Array(6) }).map((x) => x.group),
    ['unpermuted'],
  );
});

for (const family of ['cnn', 'resnet18'] as const) {
  test(`${family}: group contributions add up to the direct full-batch gradient; group gradients match direct ones`, async () => {
    await initBackend();
    const split = syntheticSplit(40, SHAPE, K, 3);
    const noisy = permuteLabels(split.labels, 0.5, 1, { numClasses: K, excludeUnchanged: true });
    // Make sure there is an unchanged-by-chance example, so the third group is exercised.
    noisy.isSelected[0] = 1;
    noisy.isPermuted[0] = 0;
    noisy.trainLabel[0] = noisy.trueLabel[0];
    const groups = gradientGroups(noisy);
    assert.deepEqual(
      groups.map((g) => g.group),
      ['unpermuted', 'permuted', 'unchanged'],
    );
    const model = modelWithStatsOf(family);
    const before = tf.memory().numTensors;
    // batch size 7 so that groups span several uneven batches
    const result = checkpointGradients(model, split.images, noisy.trainLabel, groups, 7);
    assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
    assert.equal(result.n, 40);
    const all = Array.from({ length: 40 }, (_, i) => i);
    const full = directGradient(model, split.images, noisy.trainLabel, all);
    assert.deepEqual(
      result.layers.map((l) => l.layer),
      model.layerNames,
    );
    result.layers.forEach((l, k) => {
      const sum = new Float32Array(l.size);
      for (const g of groups) {
        const c = groupGradient(result, g.group, l.layerIndex, 'contribution');
        for (let i = 0; i < sum.length; i++) sum[i] += c[i];
        assertClose(
          groupGradient(result, g.group, l.layerIndex, 'gradient'),
          directGradient(model, split.images, noisy.trainLabel, Array.from(g.indices))[k],
          `${l.layer} ${g.group} gradient`,
        );
      }
      assertClose(sum, full[k], `${l.layer} Σ contributions`);
      assertClose(groupGradient(result, 'full', l.layerIndex, 'gradient'), full[k], `${l.layer} full`);
    });
    // The table: contribution = (n_G/n)·gradient, the full row is the direct gradient, cosines as defined.
    const rows = gradientRows(result, 3);
    assert.equal(rows.length, result.layers.length * 4 * 3);
    result.layers.forEach((l, k) => {
      const mine = rows.filter((r) => r.layer === l.layer && r.part === 'total');
      const by = (g: string) => mine.find((r) => r.group === g)!;
      for (const g of groups) {
        const r = by(g.group);
        assert.equal(r.count, g.indices.length);
        assert.ok(
          Math.abs(Number(r.contribution_norm) - (g.indices.length / 40) * Number(r.grad_norm)) < 1e-9 * Number(r.grad_norm) + 1e-12,
        );
        assert.equal(r.epoch, 3);
        assert.equal(r.layer_index, l.layerIndex);
      }
      assert.ok(Math.abs(Number(by('full').grad_norm) / norm(full[k]) - 1) < 1e-4, `${l.layer} full norm`);
      const gu = groupGradient(result, 'unpermuted', l.layerIndex, 'gradient');
      const gp = groupGradient(result, 'permuted', l.layerIndex, 'gradient');
      const cos = gu.reduce((a, v, i) => a + v * gp[i], 0) / (norm(gu) * norm(gp));
      for (const g of ['unpermuted', 'permuted', 'full']) assert.ok(Math.abs(Number(by(g).cosine) - cos) < 1e-5, `${l.layer} cosine`);
      assert.equal(by('full').cosine_full, 1);
      assert.ok(Number(by('permuted').cosine_full) >= -1 && Number(by('permuted').cosine_full) <= 1);
    });
    model.dispose();
  });
}

test('summed gradients do not depend on the batch size; the mean loss is the training loss', async () => {
  await initBackend();
  const split = syntheticSplit(23, SHAPE, K, 4);
  const model = modelWithStatsOf('resnet18');
  const idx = Array.from({ length: 23 }, (_, i) => (i * 7) % 23);
  const a = summedLayerGradients(model, split.images, split.labels, idx, 4);
  const b = summedLayerGradients(model, split.images, split.labels, idx, 64);
  a.sums.forEach((s, k) => assertClose(s, b.sums[k], `layer ${k}`, 1e-5));
  assert.equal(a.count, 23);
  const x = tf.tensor4d(split.images, [23, ...SHAPE]);
  const y = tf.tensor1d(split.labels, 'int32');
  const mean = tf.tidy(() => crossEntropy(model.forward(x, false), y, K).dataSync()[0]);
  assert.ok(Math.abs(a.lossSum / 23 - mean) < 1e-5, `${a.lossSum / 23} vs ${mean}`);
  tf.dispose([x, y]);
  model.dispose();
});

test('bad input is refused with clear errors', async () => {
  await initBackend();
  const split = syntheticSplit(10, SHAPE, K, 4);
  const model = createModel({ family: 'cnn', width: 0.25 }, SHAPE, K, 0);
  assert.throws(
    () => checkpointGradients(model, split.images, split.labels, [{ group: 'unpermuted', indices: Int32Array.from([0, 1]) }]),
    (e: Error) => e instanceof InputError && /partition/.test(e.message),
  );
  assert.throws(() => new GradientAccumulator(model, split.images.subarray(1), split.labels), /floats for 10 images/);
  const acc = new GradientAccumulator(model, split.images, split.labels);
  assert.throws(() => acc.add([0, 10]), /outside 0\.\.9/);
  acc.dispose();
  model.dispose();
});
