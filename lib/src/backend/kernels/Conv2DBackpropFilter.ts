import * as tf from '@tensorflow/tfjs';
import { IM2COL_MAX_IN_CHANNELS, simdConvApplies, simdFilterGrad } from './simdConv';
import { callStock, scratch, type Info, type KernelArgs, type Scratch } from './wasmKernel';

/**
 * dW of a 2-D convolution for wasm, which ships no `Conv2DBackpropFilter` (so stock wasm cannot train
 * a convnet; docs/stack.md §2, approach (c)). With x padded as in the forward pass,
 *   dW[i, j, c, o] = Σ_{n, p, q} x[n, s·p + i, s·q + j, c] · dy[n, p, q, o].
 *
 * Stride 1 (every convolution of the CNN and VGG families, and ResNet's unstrided ones) runs the float32
 * SIMD kernel `convFilterGrad` (./simdConv.ts): 22–37 GFLOP/s on the default CNN's layers against
 * 3–14 for the XNNPACK paths it replaced, with the same bits (each entry is summed in the order those
 * paths used; tests/backend/conv.parity.test.ts).
 *
 * Otherwise the sum is itself a valid convolution of x viewed as [C, H, W, N] (batch ↔ channels swapped) with the
 * filter dy viewed as [oH, oW, N, O], dilated by the forward stride. That runs on the XNNPACK
 * convolution instead of a scalar loop; the result [C, kH', kW', O] is cut to the filter size (a
 * dilated filter can overshoot by up to stride − 1) and permuted to [kH, kW, C, O].
 *
 * Measured and rejected: cutting the batch into cache-sized chunks (XNNPACK's per-call cost grows as
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
  return conv2DBackpropFilterByConvolution(x, dy, info, backend);
}

/**
 * dW as the XNNPACK convolution of x with the filter dy, batch and channels swapped (strided
 * convolutions; exported for the parity test of the SIMD path, which sums in its order).
 */
export function conv2DBackpropFilterByConvolution(
  x: Info,
  dy: Info,
  info: tf.backend_util.Conv2DInfo,
  backend: KernelArgs['backend'],
): Info {
  const s = scratch(backend);
  try {
    let c = dilatedConvDW(s, x, dy, info);
    if (c.shape[1] !== info.filterHeight || c.shape[2] !== info.filterWidth) {
      c = s.run('Slice', { x: c }, { begin: [0, 0, 0, 0], size: [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels] });
    }
    return callStock('Transpose', { x: c }, backend, { perm: [1, 2, 0, 3] });
  } finally {
    s.done();
  }
}

/** The dilated convolution, as [C, kH', kW', O]. */
function dilatedConvDW(s: Scratch, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { top, bottom, left, right } = info.padInfo;
  const xp =
    top || bottom || left || right
      ? s.run(
          'PadV2',
          { x },
          {
            paddings: [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ],
            constantValue: 0,
          },
        )
      : x;
  const xt = s.run('Transpose', { x: xp }, { perm: [3, 1, 2, 0] });
  const dyt = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  return s.run(
    'Conv2D',
    { x: xt, filter: dyt },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
  );
}
