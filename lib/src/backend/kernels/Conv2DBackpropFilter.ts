import * as tf from '@tensorflow/tfjs';
import { callKernel, callStock, scratch, view, type Info, type KernelArgs, type Scratch, type WasmBackend } from './wasmKernel';

/**
 * dW of a 2-D convolution for wasm, which ships no `Conv2DBackpropFilter` (so stock wasm cannot train
 * a convnet; docs/stack.md §2, approach (c)). With x padded as in the forward pass,
 *   dW[i, j, c, o] = Σ_{n, p, q} x[n, s·p + i, s·q + j, c] · dy[n, p, q, o],
 * which is itself a valid convolution of x viewed as [C, H, W, N] (batch ↔ channels swapped) with the
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
  const s = scratch(backend);
  try {
    if (info.inChannels <= IM2COL_MAX_IN_CHANNELS && info.strideHeight === 1 && info.strideWidth === 1) {
      return im2colDW(s, backend, x, dy, info);
    }
    let c = dilatedConvDW(s, x, dy, info);
    if (c.shape[1] !== info.filterHeight || c.shape[2] !== info.filterWidth) {
      c = s.run('Slice', { x: c }, { begin: [0, 0, 0, 0], size: [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels] });
    }
    return callStock('Transpose', { x: c }, backend, { perm: [1, 2, 0, 3] });
  } finally {
    s.done();
  }
}

/**
 * Input channels up to which dW goes through im2col + one matrix product instead (first layers: 1 or
 * 3 channels). The dilated convolution then has only kH·kW·C output pixels, and its cost is mostly
 * XNNPACK re-packing the dy "filter" (a C++ transpose + pack of N·oH·oW·O floats): 40 ms for the
 * 1-channel 28×28 layer of cnn4, against ~8 ms here.
 */
const IM2COL_MAX_IN_CHANNELS = 4;

/**
 * dW as one product: patchesᵀ [kH·kW·C, P] · dy [P, O], P = N·oH·oW, row (i, j, c) of patchesᵀ being
 * x_pad[n, p + i, q + j, c] over (n, p, q) (stride 1). The [kH·kW·C, O] result is already
 * [kH, kW, C, O]. patchesᵀ is kH·kW times the size of x, hence only for few channels.
 */
function im2colDW(s: Scratch, backend: WasmBackend, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { top, bottom, left, right } = info.padInfo;
  const { batchSize: N, inChannels: C, outHeight: oH, outWidth: oW, outChannels: O, filterHeight: kH, filterWidth: kW } = info;
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
  const P = N * oH * oW;
  const patchesT = im2colRows(s, backend, xp, kH, kW, oH, oW);
  const out = callKernel('BatchMatMul', { a: patchesT, b: view(dy, [P, O]) }, backend, { transposeA: false, transposeB: false });
  out.shape = [kH, kW, C, O];
  return out;
}

/**
 * patchesᵀ [kH·kW·C, N·oH·oW] from the padded NHWC input in one pass: row (i, j, c), column (n, p, q)
 * holds x_pad[n, p + i, q + j, c]. (It was a transpose, kH·kW slices and a concat; for a narrow CNN the
 * slices copied ~10⁵ rows of 7–28 floats per layer and step, a quarter of its training time.)
 */
function im2colRows(s: Scratch, backend: WasmBackend, xp: Info, kH: number, kW: number, oH: number, oW: number): Info {
  const [N, Hp, Wp, C] = xp.shape;
  const P = N * oH * oW;
  const out = s.own(backend.makeOutput([kH * kW * C, P], 'float32'));
  // Views only after the allocation (it may grow the heap).
  const src = backend.typedArrayFromHeap(xp) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  let o = 0;
  for (let i = 0; i < kH; i++) {
    for (let j = 0; j < kW; j++) {
      for (let c = 0; c < C; c++) {
        for (let n = 0; n < N; n++) {
          for (let p = 0; p < oH; p++) {
            let k = ((n * Hp + p + i) * Wp + j) * C + c;
            for (let q = 0; q < oW; q++, k += C) dst[o++] = src[k];
          }
        }
      }
    }
  }
  return out;
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
