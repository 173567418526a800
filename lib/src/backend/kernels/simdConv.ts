import type * as tf from '@tensorflow/tfjs';
import { trainingKernels } from '../../simd';
import { heapOffset, withHeapWorkspace, type Info, type WasmBackend } from './wasmKernel';

/*
 * Stride-1 convolutions on the float32 SIMD kernels of lib/assembly/conv.ts. The kernel module works
 * in tfjs-wasm's own memory (lib/src/simd/trainingKernels.ts), so the kernels read the tensors where
 * tfjs keeps them and write the output tensor directly; workspace comes from tfjs's allocator.
 */

/** Whether the SIMD kernels handle this convolution: NHWC, stride 1, no dilation. */
export function simdConvApplies(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.dataFormat === 'channelsLast' &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1
  );
}

/**
 * Whether XNNPACK runs this convolution as a depthwise one (one input and one output channel: the
 * first layer of the narrowest sweep CNN), with its own order of sums. Those stay on XNNPACK, so that
 * every output keeps the bits it had.
 */
export function xnnpackDepthwise(inChannels: number, outChannels: number): boolean {
  return inChannels === 1 && outChannels === 1;
}

/** Geometry of one stride-1 correlation out[n, p, q, o] = Σ_{i,j,c} x[n, p + i − top, q + j − left, c] · w[i, j, c, o]. */
export interface Correlation {
  N: number;
  H: number;
  W: number;
  C: number;
  kH: number;
  kW: number;
  top: number;
  left: number;
  oH: number;
  oW: number;
  O: number;
}

/**
 * The correlation of x (NHWC on the wasm heap) with a filter [kH, kW, C, O]: `filter` itself, or, with
 * `flipSwap`, the filter of dx made from the forward filter [kH, kW, O, C]:
 * flip(W)ᵀ[i, j, c, o] = W[kH − 1 − i, kW − 1 − j, o, c]. Each output entry is one
 * sequential float32 sum over (i, j, c), the order of XNNPACK's convolution, which it replaces: the
 * outputs are bit for bit XNNPACK's (tests/backend/simdConv.test.ts).
 */
export function simdCorrelation(backend: WasmBackend, x: Info, filter: Info, g: Correlation, flipSwap: boolean): Info {
  const { N, H, W, C, kH, kW, top, left, oH, oW, O } = g;
  const out = backend.makeOutput([N, oH, oW, O], 'float32');
  const k = trainingKernels(backend.wasm.asm.memory);
  const wsBytes = align16(k.convForwardWorkspaceBytes(N, C, kH, kW, oH, oW));
  const nw = kH * kW * C * O;
  withHeapWorkspace(backend, wsBytes + (flipSwap ? 4 * nw : 0), (ws) => {
    let w = heapOffset(backend, filter);
    if (flipSwap) {
      // Views only after the allocation (it may grow the heap).
      const fs = backend.typedArrayFromHeap(filter) as Float32Array;
      flipAndSwap(fs, kH, kW, O, C, new Float32Array(fs.buffer, ws + wsBytes, nw));
      w = ws + wsBytes;
    }
    k.convForward(heapOffset(backend, x), N, H, W, C, w, kH, kW, top, left, oH, oW, O, ws, heapOffset(backend, out));
  });
  return out;
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/** dst[i, j, c, o] = w[kH − 1 − i, kW − 1 − j, o, c] for w [kH, kW, O, C]. */
function flipAndSwap(w: Float32Array, kH: number, kW: number, O: number, C: number, dst: Float32Array): void {
  for (let i = 0; i < kH; i++) {
    for (let j = 0; j < kW; j++) {
      const from = ((kH - 1 - i) * kW + (kW - 1 - j)) * O * C;
      const to = (i * kW + j) * C * O;
      for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) dst[to + c * O + o] = w[from + o * C + c];
    }
  }
}

/**
 * dW [kH, kW, C, O] of a stride-1 convolution from x (NHWC) and dy. Each entry is one sequential
 * float32 sum over the batch positions, in the order of the XNNPACK paths it replaced, so the bits are
 * theirs: (n, p, q) for up to `IM2COL_MAX_IN_CHANNELS` input channels (which went through im2col and
 * one matrix product), (p, q, n) above (the dilated convolution of x and dy with batch and channels
 * swapped). The second order needs x and dy with the batch innermost, [H, W, N, C].
 */
export function simdFilterGrad(backend: WasmBackend, x: Info, dy: Info, info: tf.backend_util.Conv2DInfo, batchLast: boolean): Info {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: oH, outWidth: oW, outChannels: O } = info;
  const { filterHeight: kH, filterWidth: kW } = info;
  const { top, left } = info.padInfo;
  const out = backend.makeOutput([kH, kW, C, O], 'float32');
  const k = trainingKernels(backend.wasm.asm.memory);
  const xp = heapOffset(backend, x);
  const dp = heapOffset(backend, dy);
  const dw = heapOffset(backend, out);
  if (!batchLast) {
    k.convFilterGrad(xp, N, H, W, 1, C, dp, oH, oW, O, kH, kW, top, left, dw);
    return out;
  }
  const nx = align16(4 * N * H * W * C);
  withHeapWorkspace(backend, nx + 4 * N * oH * oW * O, (ws) => {
    k.batchInner(xp, N, H, W, C, ws);
    k.batchInner(dp, N, oH, oW, O, ws + nx);
    k.convFilterGrad(ws, 1, H, W, N, C, ws + nx, oH, oW, O, kH, kW, top, left, dw);
  });
  return out;
}

/** Input channels up to which dW sums in (n, p, q) order (the im2col path's), above in (p, q, n). */
export const IM2COL_MAX_IN_CHANNELS = 4;
