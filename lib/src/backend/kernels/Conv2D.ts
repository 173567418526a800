import * as tf from '@tensorflow/tfjs';
import { simdConvApplies, simdCorrelation, xnnpackDepthwise } from './simdConv';
import { type Info, type KernelArgs } from './wasmKernel';
import { xnnpackConv2D } from './xnnpackConv';

/**
 * The forward 2-D convolution for wasm. Stride 1 runs the SIMD kernel `convForward` (./simdConv.ts),
 * bit for bit XNNPACK's result: on the default CNN's layers 1.2–3× XNNPACK's speed, mostly because
 * XNNPACK packs the filter anew on every call (the weights change every step) and runs the 1-channel
 * first layer at 5 GFLOP/s. Strided, dilated or channels-first convolutions stay on the stock kernel, and
 * so do those XNNPACK runs as depthwise ones (`xnnpackDepthwise`).
 */
export function conv2D({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, filter } = inputs;
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (!simdConvApplies(info) || xnnpackDepthwise(info.inChannels, info.outChannels))
    return xnnpackConv2D(x, filter, attrs as unknown as tf.Conv2DAttrs, backend);
  return simdCorrelation(
    backend,
    x,
    filter,
    {
      N: info.batchSize,
      H: info.inHeight,
      W: info.inWidth,
      C: info.inChannels,
      kH: info.filterHeight,
      kW: info.filterWidth,
      top: info.padInfo.top,
      left: info.padInfo.left,
      oH: info.outHeight,
      oW: info.outWidth,
      O: info.outChannels,
    },
    false,
  );
}
