import * as tf from '@tensorflow/tfjs';
import { callStock, scratch, type Info, type KernelArgs } from './wasmKernel';

/**
 * dx of a stride-1 2-D convolution for wasm: the "full" correlation of dy with the spatially flipped,
 * in/out-swapped filter, dx = conv(dy, flip(W)ᵀ) with explicit pads (kH − 1 − top, …), run on the
 * XNNPACK convolution instead of the stock kernel's naive loop (~3 GFLOP/s; docs/stack.md §2).
 * Strided or channels-first cases, or pads that would be negative, stay on the stock kernel.
 */
export function conv2DBackpropInput(args: KernelArgs): Info {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dataFormat !== 'channelsLast')
    return callStock('Conv2DBackpropInput', inputs, backend, attrs);
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const pt = kh - 1 - info.padInfo.top;
  const pl = kw - 1 - info.padInfo.left;
  const pb = info.inHeight - info.outHeight - pt + kh - 1;
  const pr = info.inWidth - info.outWidth - pl + kw - 1;
  if (pt < 0 || pl < 0 || pb < 0 || pr < 0) return callStock('Conv2DBackpropInput', inputs, backend, attrs);
  const s = scratch(backend);
  try {
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
    return callStock('Conv2D', { x: dy, filter: swapped }, backend, {
      strides: [1, 1],
      pad: [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    });
  } finally {
    s.done();
  }
}
