// Training on wasm with memgeo's kernels: gradients of a conv + batch-norm model match the cpu
// backend; model.fit on wasm lowers the loss; many steps keep tensor count and wasm heap flat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { Rng, useBackend } from 'memgeo';
import { assertClose, onBoth, randn } from './helpers';

/** conv → BN → ReLU → maxpool → strided conv → BN → ReLU → dense: every patched kernel on the path. */
function smallConvBnModel(seed: number, inputShape: [number, number, number] = [8, 8, 2]): tf.Sequential {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape, filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(1) }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.activation({ activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(2) }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.activation({ activation: 'relu' }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3, kernelInitializer: init(3) }));
  return m;
}

test('gradients of a conv + batch-norm model (training mode) match cpu', async () => {
  const xs = randn(5 * 8 * 8 * 2, 51);
  const labels = [0, 1, 2, 1, 0];
  const run = () => {
    const model = smallConvBnModel(7);
    try {
      return tf.tidy(() => {
        const x = tf.tensor4d(xs, [5, 8, 8, 2]);
        const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
          vars,
        );
        return [Float32Array.from(value.dataSync()), ...vars.map((v) => Float32Array.from(grads[v.name].dataSync()))];
      });
    } finally {
      model.dispose();
    }
  };
  const { cpu, wasm } = await onBoth(run);
  assert.equal(wasm.length, 1 + 10, 'loss + 10 trainable tensors (2 conv × 2, 2 BN × 2, dense × 2)');
  assertClose(wasm, cpu, 2e-4, 'conv+BN grads');
});

/** Two classes of 8×8 images: a bright 3×3 patch top-left (class 0) or bottom-right (class 1), plus noise. */
function patchData(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const rng = new Rng(seed);
  const xs = new Float32Array(n * 64);
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    ys.push(cls);
    for (let p = 0; p < 64; p++) xs[i * 64 + p] = 0.3 * rng.normal();
    const o = cls === 0 ? 1 : 4;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) xs[i * 64 + (o + r) * 8 + (o + c)] += 1.5;
  }
  return { x: tf.tensor4d(xs, [n, 8, 8, 1]), y: tf.oneHot(tf.tensor1d(ys, 'int32'), 2).toFloat() as tf.Tensor2D };
}

test('a small conv + batch-norm model trains with model.fit on wasm and its loss falls', async () => {
  await useBackend('wasm');
  const { x, y } = patchData(128, 61);
  const m = tf.sequential();
  m.add(
    tf.layers.conv2d({
      inputShape: [8, 8, 1],
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.activation({ activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  m.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const h = await m.fit(x, y, { epochs: 8, batchSize: 16, shuffle: false, verbose: 0 });
  const loss = h.history.loss as number[];
  const acc = h.history.acc as number[];
  assert.ok(loss.every(Number.isFinite), `finite losses: ${loss}`);
  assert.ok(loss[loss.length - 1] < 0.5 * loss[0], `loss fell by half: ${loss.map((v) => v.toFixed(3)).join(' → ')}`);
  assert.ok(acc[acc.length - 1] > 0.9, `training accuracy > 0.9: ${acc[acc.length - 1]}`);
  m.dispose();
  tf.dispose([x, y]);
});

test('many training steps keep the tensor count and the wasm heap flat', async () => {
  await useBackend('wasm');
  const model = smallConvBnModel(9, [12, 12, 2]);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: (yt: tf.Tensor, yp: tf.Tensor) => tf.losses.softmaxCrossEntropy(yt, yp) });
  const x = tf.tensor4d(randn(16 * 12 * 12 * 2, 71), [16, 12, 12, 2]);
  const y = tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: 16 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    )
    .toFloat();
  const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.byteLength;
  for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);
  const before = { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, heap: heap() };
  for (let i = 0; i < 40; i++) await model.trainOnBatch(x, y);
  const after = { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, heap: heap() };
  assert.deepEqual(after, before);
  model.dispose();
  tf.dispose([x, y]);
});
