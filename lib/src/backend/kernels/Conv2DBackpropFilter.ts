import * as tf from '@tensorflow/tfjs';
import { IM2COL_MAX_IN_CHANNELS, simdConvApplies, simdFilterGrad } from './simdConv';
import { type Info, type KernelArgs } from './wasmKernel';
import { xnnpackFilterGradDilated } from './xnnpackConv';

/**
 * dW of a 2-D convolution for wasm, which ships no `Conv2DBackpropFilter` (so stock wasm cannot train
 * a convnet; docs/stack.md §2, approach (c)). With x padded as in the forward pass,
 *   dW[i, j, c, o] = Σ_{n, p, q} x[n, s·p + i, s·q + j, c] · dy[n, p, q, o].
 *
 * Stride 1 (every convolution of the CNN and VGG families, and ResNet's unstrided ones) runs the float32
 * SIMD kernel `convFilterGrad` (./simdConv.ts): 22–37 GFLOP/s on the default CNN's layers against
 * 3–14 for the XNNPACK paths it replaced, with the same bits (each entry is summed in the order those
 * paths used; tests/backend/simdConv.test.ts).
 *
 * Strided convolutions take the XNNPACK path (./xnnpackConv.ts `xnnpackFilterGradDilated`).
 *
 * Measured and rejected on that path: cutting the batch into cache-sized chunks (XNNPACK's per-call cost grows as
 * the channel count N per filter tap shrinks: 16.6 GFLOP/s at N = 16 against 24.6 at N = 128).
 */
export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') throw new Error(`memgeo wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only, got '${dataFormat}'`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    format,
  );
  if (simdConvApplies(info)) return simdFilterGrad(backend, x, dy, info, info.inChannels > IM2COL_MAX_IN_CHANNELS);
  return xnnpackFilterGradDilated(x, dy, info, backend);
}
