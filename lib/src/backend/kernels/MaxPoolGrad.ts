import * as tf from '@tensorflow/tfjs';
import { trainingKernels } from '../../simd';
import { callStock, heapOffset, type Info, type KernelArgs } from './wasmKernel';

/**
 * Gradient of 2-D max pooling for wasm: the 2×2 / stride 2 case in SIMD, the others in JS over the
 * wasm heap. The stock C++ kernel recomputes window maxima in a generic 3-D pooling loop (≈75 ms for
 * a 128×28×28×32 input; the JS loop runs ~10x faster, the SIMD case 3–3.6x faster again), and it
 * breaks ties toward the *last* maximum and drops the gradient of windows whose values are all
 * ≤ FLT_MIN. This follows the cpu backend (and PyTorch) exactly: each window sends its
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
    // The common 2×2 / stride 2 / unpadded case: windows do not overlap, so each dy goes straight to
    // one place; the same first-strict-maximum rule in SIMD (lib/assembly/pool.ts).
    trainingKernels(backend.wasm.asm.memory).maxPool2x2Grad(
      heapOffset(backend, input),
      heapOffset(backend, dy),
      batchSize,
      inHeight,
      inWidth,
      C,
      outHeight,
      outWidth,
      heapOffset(backend, out),
    );
    return out;
  }
  // Views only after the allocation (it may grow the heap).
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
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
