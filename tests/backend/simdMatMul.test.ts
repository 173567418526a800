// Matrix products on memgeo's SIMD kernel (lib/assembly/matmul.ts) give the bits of the XNNPACK path
// they replaced, so a training run is the same run as before, bit for bit. Their values against the
// cpu backend are checked in matmul.parity.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from 'memgeo';
// Internal modules: the XNNPACK path is not part of the public API.
import type { WasmBackend } from 'memgeo/dist/backend/kernels/wasmKernel';
import { xnnpackBatchMatMul } from 'memgeo/dist/backend/kernels/BatchMatMul';
import { assertSameBits, randt } from './helpers';

// [M, K, N]: sizes on both sides of the 4-row and 8-column blocks and of the 256-deep passes over k,
// a single row, an inner size of 1, and the dense layers of the benchmark MLP and the default CNN.
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [3, 5, 7],
  [4, 8, 8],
  [5, 9, 17],
  [13, 257, 10],
  [9, 600, 33],
  [1, 300, 8],
  [37, 1, 12],
  [128, 784, 64],
  [64, 1568, 128],
];

test('matMul with either operand transposed, and a batched A against one B, gives the bits of the XNNPACK path', async () => {
  await useBackend('wasm');
  const backend = tf.backend() as unknown as WasmBackend;
  let seed = 1;
  for (const [M, K, N] of shapes) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        tf.tidy(() => {
          const a = randt(transposeA ? [K, M] : [M, K], seed++);
          const b = randt(transposeB ? [N, K] : [K, N], seed++);
          const label = `${M}×${K}×${N}, transposeA ${transposeA}, transposeB ${transposeB}`;
          const ours = tf.matMul(a, b, transposeA, transposeB);
          assertSameBits(ours, xnnpackBatchMatMul({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } }), label);
          // Not a vacuous comparison: the product is not all zeros.
          assert.ok(ours.abs().sum().dataSync()[0] > 0, `${label}: nonzero`);
        });
      }
    }
    // A batch of A's against one B: folded into one product of [2·M, K].
    if (M * K * N > 1)
      tf.tidy(() => {
        const a = randt([2, M, K], seed++);
        const b = randt([K, N], seed++);
        assertSameBits(tf.matMul(a, b), xnnpackBatchMatMul({ inputs: { a, b }, backend, attrs: {} }), `batched A, ${M}×${K}×${N}`);
      });
  }
});

test('a matMul whose operands contain zeros of both signs, infinities and NaN gives the bits of the XNNPACK path', async () => {
  await useBackend('wasm');
  const backend = tf.backend() as unknown as WasmBackend;
  tf.tidy(() => {
    const special = [0, -0, 1, -1, Infinity, -Infinity, NaN, 3.5e38, -3.5e38, 1e-45];
    const M = 12;
    const K = 10;
    const N = 10;
    const av = new Float32Array(M * K).map((_, i) => special[(i * 7) % special.length]);
    const bv = new Float32Array(K * N).map((_, i) => special[(i * 3) % special.length]);
    const a = tf.tensor2d(av, [M, K]);
    const b = tf.tensor2d(bv, [K, N]);
    assertSameBits(tf.matMul(a, b), xnnpackBatchMatMul({ inputs: { a, b }, backend, attrs: {} }), 'special values');
    // -0 times a positive number summed from +0 is +0, as in XNNPACK (a sum started from the first product would be -0).
    const z = tf.matMul(tf.tensor2d([-0], [1, 1]), tf.tensor2d([1], [1, 1])).dataSync()[0];
    assert.ok(Object.is(z, 0), `(-0)·1 = ${Object.is(z, -0) ? '-0' : z}`);
  });
});
