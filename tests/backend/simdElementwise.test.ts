// A bias added along the last axis on memgeo's SIMD kernel (lib/assembly/elementwise.ts) gives the
// bits of the stock XNNPACK add, so a training run is the same run as before, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from 'memgeo';
// Internal module: the stock kernel is not part of the public API.
import { callStock, type WasmBackend } from 'memgeo/dist/backend/kernels/wasmKernel';
import { randt } from './helpers';

function bitsOf(t: tf.TensorInfo): Uint32Array {
  return new Uint32Array(Float32Array.from(tf.engine().makeTensorFromTensorInfo(t).dataSync()).buffer);
}

test('x + bias along the last axis gives the bits of the stock add, for any channel count, with special values', async () => {
  await useBackend('wasm');
  const backend = tf.backend() as unknown as WasmBackend;
  let seed = 1;
  // Channel counts that are and are not multiples of 4, row counts that leave part of a run over.
  const shapes = [
    [7, 1],
    [5, 2],
    [3, 3, 3],
    [2, 5, 5, 3],
    [4, 4],
    [3, 5],
    [2, 3, 3, 6],
    [6, 8],
    [5, 12],
    [9, 13],
    [2, 7, 7, 16],
    [1, 1],
  ];
  for (const shape of shapes) {
    tf.tidy(() => {
      const C = shape[shape.length - 1];
      const x = randt(shape, seed++);
      const b = randt([C], seed++);
      const ours = tf.add(x, b);
      const stock = callStock('Add', { a: x, b }, backend);
      assert.deepEqual(Array.from(bitsOf(ours)), Array.from(bitsOf(stock)), `[${shape}] + [${C}]`);
      // Not vacuous: the sum is not x.
      assert.notDeepEqual(Array.from(bitsOf(ours)), Array.from(bitsOf(x)), `[${shape}]: the bias was added`);
    });
  }
  tf.tidy(() => {
    const special = [0, -0, 1, -1, Infinity, -Infinity, NaN, 3.4e38, -3.4e38, 1e-45];
    const x = tf.tensor2d(
      Float32Array.from({ length: 30 }, (_, i) => special[i % special.length]),
      [10, 3],
    );
    const b = tf.tensor1d([-0, Infinity, 3.4e38]);
    assert.deepEqual(Array.from(bitsOf(tf.add(x, b))), Array.from(bitsOf(callStock('Add', { a: x, b }, backend))), 'special values');
  });
  // Other broadcasts stay stock and stay right.
  const m = tf.add(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([10, 20], [2, 1]));
  assert.deepEqual(Array.from(m.dataSync()), [11, 12, 23, 24]);
  m.dispose();
});
