import * as tf from '@tensorflow/tfjs';
import { simdCorrelation, xnnpackDepthwise } from './simdConv';
import { callStock, type Info, type KernelArgs } from './wasmKernel';
import { xnnpackInputGrad } from './xnnpackConv';

/**
 * dx of a stride-1 2-D convolution for wasm: the "full" correlation of dy with the spatially flipped,
 * in/out-swapped filter, dx = conv(dy, flip(W)ᵀ) with explicit pads (kH − 1 − top, …), instead of the
 * stock kernel's naive loop (~3 GFLOP/s; docs/stack.md §2). It runs on the SIMD correlation of the
 * forward pass (./simdConv.ts), which gives XNNPACK's bits, the convolution this path ran on before.
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
  if (xnnpackDepthwise(info.inChannels, info.outChannels)) return xnnpackInputGrad(dy, filter, [pt, pb, pl, pr], backend);
  // The correlation of dy (O channels) with flip(W)ᵀ gives dx (C channels).
  return simdCorrelation(
    backend,
    dy,
    filter,
    {
      N: info.batchSize,
      H: info.outHeight,
      W: info.outWidth,
      C: info.outChannels,
      kH: kh,
      kW: kw,
      top: pt,
      left: pl,
      oH: info.inHeight,
      oW: info.inWidth,
      O: info.inChannels,
    },
    true,
  );
}
