// Gradient parity of memgeo's wasm conv kernels (Conv2DBackpropFilter, Conv2DBackpropInput) with the
// pure-JS cpu backend, on small shapes: strides 1 and 2, 'same' / 'valid' / explicit padding.
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { assertClose, onBoth, randt, values } from './helpers';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

const explicit: Pad = [
  [0, 0],
  [1, 2],
  [2, 0],
  [0, 0],
];
const cases: Case[] = [
  { name: 'stride 1 same', x: [2, 7, 7, 3], w: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { name: 'stride 1 valid', x: [2, 7, 7, 3], w: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
  { name: 'stride 2 same (odd input)', x: [2, 7, 7, 3], w: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
  { name: 'stride 2 valid', x: [2, 8, 8, 3], w: [3, 3, 3, 4], strides: [2, 2], pad: 'valid' },
  { name: 'stride 1 explicit pads', x: [2, 6, 7, 2], w: [3, 3, 2, 3], strides: [1, 1], pad: explicit },
  { name: 'stride 2 explicit pads', x: [2, 6, 7, 2], w: [3, 3, 2, 3], strides: [2, 2], pad: explicit },
  {
    name: 'explicit pad larger than kernel - 1 (stock dx path)',
    x: [1, 5, 5, 2],
    w: [3, 3, 2, 2],
    strides: [1, 1],
    pad: [
      [0, 0],
      [3, 3],
      [0, 1],
      [0, 0],
    ],
  },
  { name: 'mixed strides [1, 2], 5x5 same', x: [2, 9, 8, 2], w: [5, 5, 2, 3], strides: [1, 2], pad: 'same' },
  { name: '2x2 stride 2 valid (downsampling)', x: [3, 6, 6, 4], w: [2, 2, 4, 5], strides: [2, 2], pad: 'valid' },
  { name: '1x1 conv', x: [2, 5, 5, 6], w: [1, 1, 6, 4], strides: [1, 1], pad: 'valid' },
];

for (const c of cases) {
  test(`conv2d gradients match cpu: ${c.name}`, async () => {
    const run = () =>
      tf.tidy(() => {
        const x = randt(c.x, 1);
        const w = randt(c.w, 2);
        const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);
        const r = randt(y.shape, 3); // random upstream gradient, so dy is not all ones
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), r)),
        );
        return values([y, ...g([x, w])]);
      });
    const { cpu, wasm } = await onBoth(run);
    assertClose(wasm, cpu, 1e-4, c.name);
  });
}

test('fused conv2d (bias + relu, as tf.layers uses) gradients match cpu, stride 2 same', async () => {
  const run = () =>
    tf.tidy(() => {
      const x = randt([2, 7, 7, 3], 4) as tf.Tensor4D;
      const w = randt([3, 3, 3, 4], 5) as tf.Tensor4D;
      const bias = randt([4], 6) as tf.Tensor1D;
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 2, pad: 'same', bias: c, activation: 'relu' });
      const r = randt(f(x, w, bias).shape, 7);
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(f(a, b, c), r)));
      return values(g([x, w, bias]));
    });
  const { cpu, wasm } = await onBoth(run);
  assertClose(wasm, cpu, 1e-4, 'fused conv2d');
});
