import * as tf from '@tensorflow/tfjs';
import { callStock, type Info, type KernelArgs } from './wasmKernel';

/**
 * Gradient of 2-D max pooling for wasm, written in JS over the wasm heap. The stock C++ kernel
 * recomputes window maxima in a generic 3-D pooling loop (≈75 ms for a 128×28×28×32 input; this runs
 * ~10x faster), and it breaks ties toward the *last* maximum and drops the gradient of windows whose
 * values are all ≤ FLT_MIN. This follows the cpu backend (and PyTorch) exactly: each window sends its
 * dy to the *first* position holding the strict maximum (row-major in the window, padding skipped);
 * a window with no value above −∞ (all −∞ or NaN) sends nothing.
 */
export function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): Info {
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') return callStock('MaxPoolGrad', inputs, backend, attrs);
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1)
    return callStock('MaxPoolGrad', inputs, backend, attrs);
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;

  const out = backend.makeOutput(input.shape, 'float32');
  // Views only after the allocation (it may grow the heap).
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  if (
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    padTop === 0 &&
    padLeft === 0 &&
    2 * outHeight <= inHeight &&
    2 * outWidth <= inWidth
  ) {
    pool2x2Grad(x, g, dx, batchSize, inHeight, inWidth, C, outHeight, outWidth);
    return out;
  }
  const best = new Float32Array(C);
  const where = new Int32Array(C);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - padTop;
      const hStart = Math.max(0, h0);
      const hEnd = Math.min(inHeight, h0 + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - padLeft;
        const wStart = Math.max(0, w0);
        const wEnd = Math.min(inWidth, w0 + filterWidth);
        best.fill(-Infinity);
        where.fill(-1);
        for (let h = hStart; h < hEnd; h++) {
          for (let w = wStart; w < wEnd; w++) {
            const base = ((b * inHeight + h) * inWidth + w) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c];
              if (v > best[c]) {
                best[c] = v;
                where[c] = base + c;
              }
            }
          }
        }
        const gBase = ((b * outHeight + oh) * outWidth + ow) * C;
        for (let c = 0; c < C; c++) {
          const at = where[c];
          if (at >= 0) dx[at] += g[gBase + c];
        }
      }
    }
  }
  return out;
}

/**
 * The common 2×2 / stride 2 / no padding case: windows do not overlap, so each dy goes straight to
 * one place; same first-strict-maximum rule as the general loop.
 */
function pool2x2Grad(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  N: number,
  H: number,
  W: number,
  C: number,
  oH: number,
  oW: number,
): void {
  const rowStride = W * C;
  let gi = 0;
  for (let b = 0; b < N; b++) {
    for (let oh = 0; oh < oH; oh++) {
      for (let ow = 0; ow < oW; ow++) {
        const p00 = ((b * H + 2 * oh) * W + 2 * ow) * C;
        const p01 = p00 + C;
        const p10 = p00 + rowStride;
        const p11 = p10 + C;
        for (let c = 0; c < C; c++, gi++) {
          let best = -Infinity;
          let at = -1;
          let v = x[p00 + c];
          if (v > best) {
            best = v;
            at = p00 + c;
          }
          v = x[p01 + c];
          if (v > best) {
            best = v;
            at = p01 + c;
          }
          v = x[p10 + c];
          if (v > best) {
            best = v;
            at = p10 + c;
          }
          v = x[p11 + c];
          if (v > best) at = p11 + c;
          if (at >= 0) dx[at] = g[gi];
        }
      }
    }
  }
}
