import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createModel, extractActivations, gaussianProjection, initBackend, RandomProjections, Rng } from 'memgeo';
import { syntheticSplit } from '../train/fixtures';

const shape: [number, number, number] = [12, 12, 1];

test('activations in uneven chunks equal one direct forward pass (no projection)', async () => {
  await initBackend();
  const model = createModel({ family: 'cnn', width: 0.25 }, shape, 4, 0);
  const split = syntheticSplit(23, shape, 4, 0);
  const points = ['input', 'conv2', 'fc1', 'logits'];
  const acts = await extractActivations(model, split.images, points, { chunkSize: 5 });
  assert.deepEqual([...acts.keys()], points);
  const x = tf.tensor4d(split.images, [23, ...shape]);
  const direct = model.forwardPoints(x, points);
  for (const p of points) {
    const a = acts.get(p)!;
    const d = direct.get(p)!;
    assert.equal(a.rows, 23);
    assert.equal(a.cols, d.shape[1]);
    assert.equal(a.projected, false);
    const want = (await d.data()) as Float32Array;
    let maxErr = 0;
    for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(a.data[i] - want[i]));
    assert.ok(maxErr < 1e-5, `${p}: max error ${maxErr}`);
  }
  tf.dispose([x, ...direct.values()]);
  model.dispose();
});

test('random projection: per-chunk projection equals projecting the direct forward pass; narrow layers untouched', async () => {
  await initBackend();
  const model = createModel({ family: 'cnn', width: 0.25 }, shape, 4, 0);
  const split = syntheticSplit(17, shape, 4, 1);
  const D = 40;
  const acts = await extractActivations(model, split.images, ['conv1', 'fc1'], { chunkSize: 4, projectionDim: D, seed: 9 });
  const conv1 = acts.get('conv1')!;
  assert.equal(conv1.inputFeatures, 6 * 6 * 4);
  assert.equal(conv1.projected, true);
  assert.equal(conv1.cols, D);
  // fc1 has 64 units > 40: projected too; then check a layer at exactly D is not.
  assert.equal(acts.get('fc1')!.cols, D);
  const x = tf.tensor4d(split.images, [17, ...shape]);
  const direct = model.forwardPoints(x, ['conv1']);
  const a = (await direct.get('conv1')!.data()) as Float32Array;
  const N = conv1.inputFeatures;
  const P = gaussianProjection(N, D, Rng.derive(9, 'projection', 'conv1'));
  let maxRel = 0;
  for (let r = 0; r < 17; r++) {
    for (let j = 0; j < D; j++) {
      let s = 0;
      let scale = 0;
      for (let i = 0; i < N; i++) {
        s += a[r * N + i] * P[i * D + j];
        scale += Math.abs(a[r * N + i] * P[i * D + j]);
      }
      maxRel = Math.max(maxRel, Math.abs(conv1.data[r * D + j] - s) / (scale + 1e-12));
    }
  }
  assert.ok(maxRel < 1e-5, `max relative error ${maxRel}`);
  // Columns of the projection (rows of the toolkit's M) have unit norm.
  for (const j of [0, D - 1]) {
    let n2 = 0;
    for (let i = 0; i < N; i++) n2 += P[i * D + j] ** 2;
    assert.ok(Math.abs(n2 - 1) < 1e-5);
  }
  const wide = await extractActivations(model, split.images, ['logits'], { projectionDim: 4 });
  assert.equal(wide.get('logits')!.projected, false, 'a layer with exactly D features is not projected');
  // Another seed gives another projection; the same seed the same one.
  const again = await extractActivations(model, split.images, ['conv1'], { chunkSize: 17, projectionDim: D, seed: 9 });
  const other = await extractActivations(model, split.images, ['conv1'], { chunkSize: 17, projectionDim: D, seed: 10 });
  assert.ok(Math.max(...again.get('conv1')!.data.map((v, i) => Math.abs(v - conv1.data[i]))) < 1e-5);
  assert.ok(Math.max(...other.get('conv1')!.data.map((v, i) => Math.abs(v - conv1.data[i]))) > 1e-3);
  tf.dispose([x, ...direct.values()]);
  model.dispose();
});

test('memory stays flat over many chunks and calls; cached projections are freed by dispose()', async () => {
  await initBackend();
  const model = createModel({ family: 'mlp', depth: 2, width: 50 }, shape, 4, 0);
  const split = syntheticSplit(60, shape, 4, 2);
  const before = tf.memory().numTensors;
  for (let k = 0; k < 3; k++)
    await extractActivations(model, split.images, ['input', 'fc1', 'logits'], { chunkSize: 2, projectionDim: 20, seed: k });
  assert.equal(tf.memory().numTensors, before);
  const cache = new RandomProjections();
  for (let k = 0; k < 3; k++)
    await extractActivations(model, split.images, ['input', 'fc1'], { chunkSize: 3, projectionDim: 20, seed: 1, projections: cache });
  assert.equal(cache.size, 2, 'one matrix per layer, reused across calls');
  assert.equal(tf.memory().numTensors, before + 2);
  cache.dispose();
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(extractActivations(model, split.images, ['conv9']), /unknown analysis point 'conv9'.*input, fc1, fc2, logits/);
  await assert.rejects(extractActivations(model, split.images.subarray(1), ['fc1']), /not a multiple of 12x12x1/);
  model.dispose();
});
