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
  // Output channels beyond a multiple of 4 would run one scalar sum each: the filter gets zero
  // columns up to a multiple of 4 and the output is computed padded, then copied. Each real entry is
  // the same sequential sum, so the bits do not change.
  const Op = paddedChannels(O);
  const padded = Op !== O;
  const wsBytes = align16(k.convForwardWorkspaceBytes(N, C, kH, kW, oH, oW));
  const nw = kH * kW * C * Op;
  const no = N * oH * oW * Op;
  const filterBytes = flipSwap || padded ? align16(4 * nw) : 0;
  withHeapWorkspace(backend, wsBytes + filterBytes + (padded ? 4 * no : 0), (ws) => {
    let w = heapOffset(backend, filter);
    const wp = ws + wsBytes;
    // Views only after the allocation (it may grow the heap).
    const fs = backend.typedArrayFromHeap(filter) as Float32Array;
    if (flipSwap) flipAndSwap(fs, kH, kW, O, C, new Float32Array(fs.buffer, wp, nw), Op);
    else if (padded) padColumns(fs, kH * kW * C, O, new Float32Array(fs.buffer, wp, nw), Op);
    if (flipSwap || padded) w = wp;
    const dst = padded ? wp + filterBytes : heapOffset(backend, out);
    k.convForward(heapOffset(backend, x), N, H, W, C, w, kH, kW, top, left, oH, oW, Op, ws, dst);
    if (padded) unpadColumns(new Float32Array(fs.buffer, dst, no), N * oH * oW, Op, backend.typedArrayFromHeap(out) as Float32Array, O);
  });
  return out;
}

/** O rounded up to a multiple of 4: the channel count the kernels run without scalar tails. */
function paddedChannels(O: number): number {
  return O % 4 === 0 ? O : O + 4 - (O % 4);
}

/** dst [rows, Op] = src [rows, O] with zero columns O..Op−1. */
function padColumns(src: Float32Array, rows: number, O: number, dst: Float32Array, Op: number): void {
  dst.fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < O; c++) dst[r * Op + c] = src[r * O + c];
}

/** dst [rows, O] = the first O columns of src [rows, Op] (the inverse of padColumns). */
function unpadColumns(src: Float32Array, rows: number, Op: number, dst: Float32Array, O: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < O; c++) dst[r * O + c] = src[r * Op + c];
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * dst[i, j, c, o] = w[kH − 1 − i, kW − 1 − j, o, c] for w [kH, kW, O, C], into dst [kH, kW, C, Op]
 * (columns o ≥ O zero).
 */
function flipAndSwap(w: Float32Array, kH: number, kW: number, O: number, C: number, dst: Float32Array, Op = O): void {
  if (Op !== O) dst.fill(0);
  for (let i = 0; i < kH; i++) {
    for (let j = 0; j < kW; j++) {
      const from = ((kH - 1 - i) * kW + (kW - 1 - j)) * O * C;
      const to = (i * kW + j) * C * Op;
      for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) dst[to + c * Op + o] = w[from + o * C + c];
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
  // As in simdCorrelation: output channels padded to a multiple of 4 (dy gets zero channels), so that
  // no column runs scalar sums; the real entries keep their bits.
  const Op = paddedChannels(O);
  const padded = Op !== O;
  const nx = align16(4 * N * H * W * C);
  const nd = align16(4 * N * oH * oW * Op);
  const nw = kH * kW * C * Op;
  const bytes = (batchLast ? nx + nd : 0) + (padded ? nd + 4 * nw : 0);
  if (bytes === 0) {
    k.convFilterGrad(
      heapOffset(backend, x),
      N,
      H,
      W,
      1,
      C,
      heapOffset(backend, dy),
      oH,
      oW,
      O,
      kH,
      kW,
      top,
      left,
      heapOffset(backend, out),
    );
    return out;
  }
  withHeapWorkspace(backend, bytes, (ws) => {
    let dp = heapOffset(backend, dy);
    let dw = heapOffset(backend, out);
    let at = ws;
    if (padded) {
      // Views only after the allocation (it may grow the heap).
      const d = backend.typedArrayFromHeap(dy) as Float32Array;
      padColumns(d, N * oH * oW, O, new Float32Array(d.buffer, at, N * oH * oW * Op), Op);
      dp = at;
      dw = at + nd;
      at += nd + align16(4 * nw);
    }
    const xp = heapOffset(backend, x);
    if (batchLast) {
      k.batchInner(xp, N, H, W, C, at);
      k.batchInner(dp, N, oH, oW, Op, at + nx);
      k.convFilterGrad(at, 1, H, W, N, C, at + nx, oH, oW, Op, kH, kW, top, left, dw);
    } else {
      k.convFilterGrad(xp, N, H, W, 1, C, dp, oH, oW, Op, kH, kW, top, left, dw);
    }
    if (padded) {
      const o = backend.typedArrayFromHeap(out) as Float32Array;
      unpadColumns(new Float32Array(o.buffer, dw, nw), kH * kW * C, Op, o, O);
    }
  });
  return out;
}

/** Input channels up to which dW sums in (n, p, q) order (the im2col path's), above in (p, q, n). */
export const IM2COL_MAX_IN_CHANNELS = 4;
