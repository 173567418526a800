import * as tf from '@tensorflow/tfjs';
import { xnnpackBatchMatMul } from './BatchMatMul';
import { callStock, scratch, view, type Info, type Scratch, type WasmBackend } from './wasmKernel';

/*
 * The convolution paths on XNNPACK that memgeo's wasm backend ran before the SIMD kernels of
 * ./simdConv.ts: the strided convolutions still use them, and `memgeo bench conv` and
 * tests/backend/simdConv.test.ts compare the SIMD kernels with them (time, and the bits, which are
 * the same).
 */

/** The forward convolution on XNNPACK (the stock kernel). */
export function xnnpackConv2D(x: Info, filter: Info, attrs: tf.Conv2DAttrs, backend: WasmBackend): Info {
  return callStock('Conv2D', { x, filter }, backend, attrs as unknown as Record<string, unknown>);
}

/**
 * dx of a stride-1 convolution: the "full" correlation of dy with the spatially flipped, in/out-swapped
 * filter on the XNNPACK convolution, with pads (kH − 1 − top, kH − 1 − bottom', …) made from the
 * forward pads; each must be ≥ 0.
 */
export function xnnpackInputGrad(dy: Info, filter: Info, pads: [number, number, number, number], backend: WasmBackend): Info {
  const [pt, pb, pl, pr] = pads;
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

/**
 * dW as one product: patchesᵀ [kH·kW·C, P] · dy [P, O], P = N·oH·oW, row (i, j, c) of patchesᵀ being
 * x_pad[n, p + i, q + j, c] over (n, p, q) (stride 1). The [kH·kW·C, O] result is already
 * [kH, kW, C, O]. Sums over (n, p, q). Stride 1's path for up to 4 input channels before the SIMD
 * kernel (patchesᵀ is kH·kW times the size of x).
 */
export function xnnpackFilterGradIm2col(x: Info, dy: Info, info: tf.backend_util.Conv2DInfo, backend: WasmBackend): Info {
  const s = scratch(backend);
  try {
    return im2colDW(s, backend, x, dy, info);
  } finally {
    s.done();
  }
}

/** x with the convolution's zero border (x itself when there is none). */
function padSpatial(s: Scratch, x: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { top, bottom, left, right } = info.padInfo;
  if (!(top || bottom || left || right)) return x;
  return s.run(
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
  );
}

function im2colDW(s: Scratch, backend: WasmBackend, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo): Info {
  const { batchSize: N, inChannels: C, outHeight: oH, outWidth: oW, outChannels: O, filterHeight: kH, filterWidth: kW } = info;
  const xp = padSpatial(s, x, info);
  const P = N * oH * oW;
  const patchesT = im2colRows(s, backend, xp, kH, kW, oH, oW);
  // The XNNPACK product (memgeo's SIMD GEMM, now the registered kernel, gives the same bits).
  const out = xnnpackBatchMatMul({
    inputs: { a: patchesT, b: view(dy, [P, O]) },
    backend,
    attrs: { transposeA: false, transposeB: false },
  });
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

/**
 * dW as the XNNPACK convolution of x viewed as [C, H, W, N] (batch ↔ channels swapped) with the filter
 * dy viewed as [oH, oW, N, O], dilated by the forward stride; the result [C, kH', kW', O] is cut to the
 * filter size (a dilated filter can overshoot by up to stride − 1) and permuted to [kH, kW, C, O].
 * Sums over (p, q, n). The strided convolutions' path, and stride 1's for more than 4 input channels
 * before the SIMD kernel.
 */
export function xnnpackFilterGradDilated(x: Info, dy: Info, info: tf.backend_util.Conv2DInfo, backend: WasmBackend): Info {
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
  const xp = padSpatial(s, x, info);
  const xt = s.run('Transpose', { x: xp }, { perm: [3, 1, 2, 0] });
  const dyt = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  return s.run(
    'Conv2D',
    { x: xt, filter: dyt },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] },
  );
}
