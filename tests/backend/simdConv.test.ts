// The stride-1 convolutions on memgeo's SIMD kernels (lib/assembly/conv.ts) give the bits of the
// XNNPACK paths they replaced, so a training run is the same run as before, bit for bit. Their values
// against the cpu backend are checked in conv.parity.test.ts.
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from 'memgeo';
// Internal modules: the XNNPACK paths are not part of the public API.
import type { WasmBackend } from 'memgeo/dist/backend/kernels/wasmKernel';
import {
  xnnpackConv2D,
  xnnpackFilterGradDilated,
  xnnpackFilterGradIm2col,
  xnnpackInputGrad,
} from 'memgeo/dist/backend/kernels/xnnpackConv';
import { assertSameBits, randt } from './helpers';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  O: number;
  pad: Pad;
}

const explicit: Pad = [
  [0, 0],
  [1, 2],
  [2, 0],
  [0, 0],
];
// Channel counts on both sides of every block size (4 positions, 8 and 4 output channels, 4 input
// channels), rows of 7 (a block of four crosses rows), one channel in and out (XNNPACK's depthwise path).
const cases: Case[] = [
  { x: [3, 7, 7, 1], k: [3, 3], O: 16, pad: 'same' },
  { x: [3, 7, 7, 1], k: [3, 3], O: 1, pad: 'same' },
  { x: [2, 6, 5, 3], k: [3, 3], O: 13, pad: 'same' },
  { x: [2, 6, 5, 6], k: [3, 3], O: 12, pad: 'valid' },
  { x: [2, 6, 7, 2], k: [3, 3], O: 3, pad: explicit },
  { x: [2, 6, 7, 9], k: [3, 3], O: 20, pad: explicit },
  { x: [1, 9, 8, 5], k: [5, 5], O: 7, pad: 'same' },
  { x: [2, 5, 5, 8], k: [1, 1], O: 8, pad: 'valid' },
  { x: [4, 7, 7, 32], k: [3, 3], O: 64, pad: 'same' },
];

const name = (c: Case) => `x ${c.x.join('×')}, ${c.k.join('×')} → ${c.O}, pad ${JSON.stringify(c.pad)}`;

test('stride-1 conv2d, dx and dW give the bits of the XNNPACK paths they replaced', async () => {
  await useBackend('wasm');
  const backend = tf.backend() as unknown as WasmBackend;
  for (const c of cases) {
    tf.tidy(() => {
      const C = c.x[3];
      const x = randt(c.x, 1) as tf.Tensor4D;
      const w = randt([...c.k, C, c.O], 2) as tf.Tensor4D;
      const convAttrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
      const y = tf.engine().runKernel('Conv2D', { x, filter: w }, convAttrs as never) as tf.Tensor4D;
      assertSameBits(y, xnnpackConv2D(x, w, convAttrs as never, backend), `conv2d, ${name(c)}`);

      const dy = randt(y.shape, 3) as tf.Tensor4D;
      const info = tf.backend_util.computeConv2DInfo(c.x, [...c.k, C, c.O], 1, 1, c.pad, undefined, false, 'channelsLast');
      // Before: dx = the XNNPACK correlation of dy with the flipped, transposed filter.
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, {
        strides: [1, 1],
        pad: c.pad,
        dataFormat: 'NHWC',
        inputShape: c.x,
      } as never) as tf.Tensor;
      const [kh, kw] = c.k;
      const pt = kh - 1 - info.padInfo.top;
      const pl = kw - 1 - info.padInfo.left;
      const pb = info.inHeight - info.outHeight - pt + kh - 1;
      const pr = info.inWidth - info.outWidth - pl + kw - 1;
      const dxBefore = xnnpackInputGrad(dy, w, [pt, pb, pl, pr], backend);
      assertSameBits(dx, dxBefore, `dx, ${name(c)}`);

      // Before: dW = im2col and one product (≤ 4 input channels) or the dilated convolution (above).
      const dW = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: [1, 1],
        pad: c.pad,
        dataFormat: 'NHWC',
        filterShape: [...c.k, C, c.O],
      } as never) as tf.Tensor;
      const dWBefore = C <= 4 ? xnnpackFilterGradIm2col(x, dy, info, backend) : xnnpackFilterGradDilated(x, dy, info, backend);
      assertSameBits(dW, dWBefore, `dW, ${name(c)}`);
    });
  }
});
