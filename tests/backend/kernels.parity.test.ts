// memgeo's other wasm kernels against the cpu backend: NHWC Sum/Mean, Tile, MaxPoolGrad (including
// ties), Slice, Identity/Cast, and the broadcast Mean/Sum gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from 'memgeo';
import { assertClose, onBoth, randn, randt, values } from './helpers';

for (const op of ['sum', 'mean'] as const) {
  for (const keepDims of [false, true]) {
    test(`${op} over NHWC axes [0,1,2] (keepDims=${keepDims}) and other axes match cpu, with gradients`, async () => {
      const run = () =>
        tf.tidy(() => {
          const x = randt([3, 5, 4, 6], 31);
          const f = (axis: number | number[]) => (t: tf.Tensor) => tf[op](t, axis, keepDims);
          const outs: tf.Tensor[] = [];
          for (const axis of [[0, 1, 2], [2, 1, 0], [0, 1], [3], [1, 2], -1, [0, 1, 2, 3]]) {
            const y = f(axis)(x);
            const r = randt(y.shape, 32);
            outs.push(y, tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(axis)(t), r)))(x));
          }
          return values(outs);
        });
      const { cpu, wasm } = await onBoth(run);
      assertClose(wasm, cpu, 1e-5, op);
    });
  }
}

test('sum/mean over leading axes of 2-D and large tensors match cpu (dense bias grads, BN statistics)', async () => {
  const run = () =>
    tf.tidy(() => {
      const outs: tf.Tensor[] = [];
      for (const shape of [
        [128, 512],
        [131, 7],
        [2, 3],
        [64, 14, 14, 8],
        [1, 5, 3],
      ]) {
        const x = randt(shape, 40);
        const lead = shape.length === 4 ? [0, 1, 2] : [0];
        outs.push(tf.sum(x, lead), tf.mean(x, lead), tf.sum(x, lead, true));
      }
      return values(outs);
    });
  const { cpu, wasm } = await onBoth(run);
  assertClose(wasm, cpu, 2e-5, 'leading reduce');
});

test('mean and sum gradients have the exact expected values (1/n and 1 broadcast over reduced axes)', async () => {
  await useBackend('wasm');
  tf.tidy(() => {
    const x = randt([2, 3, 4], 33);
    const gm = tf
      .grad((t: tf.Tensor) => tf.mean(t, [0, 2]))(x)
      .dataSync();
    assert.ok(
      Array.from(gm).every((v) => Math.abs(v - 1 / 8) < 1e-7),
      'mean grad = 1/8',
    );
    const dy = tf.tensor1d([1, 2, 3]);
    const gs = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.sum(t, [0, 2]), dy)))(x);
    assert.deepEqual(gs.shape, [2, 3, 4]);
    const v = gs.arraySync() as number[][][];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) assert.equal(v[i][j][k], j + 1);
  });
});

test('tile (broadcast-style and real repetitions, float32 and int32) matches cpu', async () => {
  const run = () =>
    tf.tidy(() => {
      const a = randt([1, 1, 1, 5], 34);
      const b = randt([2, 1, 3], 35);
      const c = tf.tensor2d([[1, 2, 3]], [1, 3], 'int32');
      const outs = [tf.tile(a, [2, 3, 4, 1]), tf.tile(b, [1, 4, 1]), tf.tile(b, [2, 2, 2]), tf.tile(c, [3, 1]), tf.tile(c, [2, 2])];
      const r = randt([2, 3, 4, 5], 36);
      outs.push(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.tile(t, [2, 3, 4, 1]), r)))(a));
      return values(outs);
    });
  const { cpu, wasm } = await onBoth(run);
  assertClose(wasm, cpu, 1e-5, 'tile');
});

interface PoolCase {
  name: string;
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}
const pools: PoolCase[] = [
  { name: '2x2 stride 2 valid', x: [2, 6, 6, 3], size: 2, strides: 2, pad: 'valid' },
  // Four-channel vectors and a tail, an odd height and width (the last row and column are in no window).
  { name: '2x2 stride 2 valid, 9 channels, odd size', x: [2, 7, 5, 9], size: 2, strides: 2, pad: 'valid' },
  { name: '3x3 stride 1 same (overlapping windows)', x: [2, 5, 5, 2], size: 3, strides: 1, pad: 'same' },
  { name: '3x3 stride 2 same, odd size', x: [1, 7, 5, 3], size: 3, strides: 2, pad: 'same' },
  { name: '2x3 window, strides [1, 2], valid', x: [2, 5, 7, 2], size: [2, 3], strides: [1, 2], pad: 'valid' },
];
for (const c of pools) {
  for (const ties of [false, true]) {
    test(`maxPool gradient matches cpu: ${c.name}${ties ? ', with ties (after ReLU, and repeated values)' : ''}`, async () => {
      const n = c.x.reduce((p, q) => p * q, 1);
      const data = randn(n, 37);
      // Ties: ReLU zeros (whole windows of 0) and values rounded to a coarse grid.
      if (ties) for (let i = 0; i < n; i++) data[i] = Math.max(0, Math.round(data[i] * 2) / 2);
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(data, c.x);
          const y = tf.maxPool(x, c.size, c.strides, c.pad);
          const r = randt(y.shape, 38);
          return values([y, tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.size, c.strides, c.pad), r)))(x)]);
        });
      const { cpu, wasm } = await onBoth(run);
      assertClose(wasm, cpu, 1e-6, c.name);
    });
  }
}

test('slice (contiguous and strided, ranks 1–5, float32/int32/bool) matches cpu', async () => {
  const run = () =>
    tf.tidy(() => {
      const x5 = randt([2, 3, 4, 5, 6], 39);
      const x3 = tf.range(0, 60, 1, 'int32').reshape([3, 4, 5]);
      const b2 = tf.tensor2d(
        [
          [true, false, true],
          [false, false, true],
        ],
        [2, 3],
        'bool',
      );
      const outs = [
        tf.slice(tf.range(0, 10), 3, 4),
        tf.slice(x5, [1, 0, 0, 0, 0], [1, 3, 4, 5, 6]),
        tf.slice(x5, [0, 1, 2, 1, 3], [2, 2, 2, 3, 2]),
        tf.slice(x5, [1, 2, 3, 4, 5], [1, 1, 1, 1, 1]),
        tf.slice(x3, [1, 1, 0], [2, 3, 5]),
        tf.slice(x3, [0, 2, 1], [-1, 2, 3]),
        tf.slice(b2, [0, 1], [2, 2]).toInt(),
        tf.slice(x5, [0, 0, 0, 0, 0], [2, 3, 0, 5, 6]),
      ];
      return values(outs);
    });
  const { cpu, wasm } = await onBoth(run);
  assertClose(wasm, cpu, 0, 'slice');
});

test('identity/clone and cast keep values; clones survive disposing the original', async () => {
  await useBackend('wasm');
  const before = tf.memory().numTensors;
  const x = tf.tensor1d([1.5, -2.25, 3.75]);
  const c = x.clone();
  const same = tf.cast(x, 'float32');
  const asInt = tf.cast(x, 'int32');
  const back = tf.cast(asInt, 'float32');
  x.dispose();
  assert.deepEqual(Array.from(c.dataSync()), [1.5, -2.25, 3.75]);
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2.25, 3.75]);
  assert.deepEqual(Array.from(asInt.dataSync()), [1, -2, 3]);
  assert.equal(asInt.dtype, 'int32');
  assert.deepEqual(Array.from(back.dataSync()), [1, -2, 3]);
  tf.dispose([c, same, asInt, back]);
  assert.equal(tf.memory().numTensors, before);
});

test('split, unstack and stridedSlice (plain and strided) match cpu', async () => {
  const run = () =>
    tf.tidy(() => {
      const x = randt([4, 6, 5], 41);
      const xi = tf.range(0, 24, 1, 'int32').reshape([4, 6]);
      const outs: tf.Tensor[] = [
        ...tf.split(x, 2, 0),
        ...tf.split(x, [1, 3, 2], 1),
        ...tf.split(xi, [2, -1], 1),
        ...tf.unstack(x, 0),
        ...tf.unstack(x, 2),
        ...tf.unstack(xi, 1),
        tf.stridedSlice(x, [1, 0, 0], [3, 6, 5], [1, 1, 1]),
        tf.stridedSlice(x, [0, 2, 1], [4, 5, 4], [1, 1, 1]),
        tf.stridedSlice(x, [0, 0, 0], [4, 6, 5], [2, 1, 2]),
        tf.stridedSlice(x, [1, 0, 0], [2, 6, 5], [1, 1, 1], 0, 0, 0, 0, 1),
        tf.stridedSlice(x, [0, 0, 0], [4, 6, 5], [1, 1, 1]),
      ];
      const shapes = outs.map((t) => t.shape.join('x'));
      return [...values(outs), Float32Array.from(shapes.join('|'), (ch) => ch.charCodeAt(0))];
    });
  const { cpu, wasm } = await onBoth(run);
  assertClose(wasm, cpu, 0, 'split/unstack/stridedSlice');
});

test('transpose (all 4-D permutations, size-1 axes, 2-D/5-D, int32/bool) matches cpu', async () => {
  const perms4: number[][] = [];
  for (const a of [0, 1, 2, 3])
    for (const b of [0, 1, 2, 3])
      for (const c of [0, 1, 2, 3]) for (const d of [0, 1, 2, 3]) if (new Set([a, b, c, d]).size === 4) perms4.push([a, b, c, d]);
  const run = () =>
    tf.tidy(() => {
      const x = randt([3, 5, 4, 37], 43); // 37: not a multiple of the 32-element tile
      const y = randt([2, 1, 6, 1, 3], 44);
      const m = randt([70, 33], 45);
      const xi = tf.range(0, 120, 1, 'int32').reshape([2, 3, 4, 5]);
      const xb = tf.tensor3d(
        [
          [
            [true, false],
            [false, false],
          ],
          [
            [true, true],
            [false, true],
          ],
        ],
        [2, 2, 2],
        'bool',
      );
      const outs: tf.Tensor[] = perms4.map((p) => tf.transpose(x, p));
      outs.push(
        tf.transpose(m),
        tf.transpose(y, [4, 2, 0, 3, 1]),
        tf.transpose(y, [1, 3, 0, 2, 4]),
        tf.transpose(xi, [3, 1, 0, 2]),
        tf.transpose(xb, [2, 0, 1]).toInt(),
      );
      return [...values(outs), Float32Array.from(outs.flatMap((t) => t.shape))];
    });
  const { cpu, wasm } = await onBoth(run);
  assertClose(wasm, cpu, 0, 'transpose');
});
