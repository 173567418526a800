import type * as tf from '@tensorflow/tfjs';
import { simdKernels, withScratchHeap } from '../../simd';
import type { Info, WasmBackend } from './wasmKernel';

/*
 * Stride-1 convolutions on the float32 SIMD kernels of lib/assembly/conv.ts. The tensors live on
 * tfjs-wasm's heap and the kernels in memgeo's own module, so each call copies its inputs into this
 * thread's scratch heap and the result back (about 1 ms per 4 MB; the products are 20–100 times that).
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
  // Views only after the allocation (it may grow the heap).
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const fs = backend.typedArrayFromHeap(filter) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const nx = N * H * W * C;
  const nw = kH * kW * C * O;
  const no = N * oH * oW * O;
  const wsBytes = simdKernels().convForwardWorkspaceBytes(N, C, kH, kW, oH, oW);
  withScratchHeap(4 * (nx + nw + no) + wsBytes + 64, (heap) => {
    const xh = heap.f32(nx);
    const wh = heap.f32(nw);
    const oh = heap.f32(no);
    const ws = heap.f32(Math.ceil(wsBytes / 4));
    xh.view.set(xs);
    if (flipSwap) flipAndSwap(fs, kH, kW, O, C, wh.view);
    else wh.view.set(fs);
    heap.kernels.convForward(xh.ptr, N, H, W, C, wh.ptr, kH, kW, top, left, oH, oW, O, ws.ptr, oh.ptr);
    dst.set(oh.view);
  });
  return out;
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
  const out = backend.makeOutput([kH, kW, C, O], 'float32');
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const ds = backend.typedArrayFromHeap(dy) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const nx = N * H * W * C;
  const nd = N * oH * oW * O;
  const nw = kH * kW * C * O;
  const copies = batchLast ? 2 : 1;
  withScratchHeap(4 * (copies * (nx + nd) + nw) + 64, (heap) => {
    const k = heap.kernels;
    let xh = heap.f32(nx);
    let dh = heap.f32(nd);
    const wh = heap.f32(nw);
    xh.view.set(xs);
    dh.view.set(ds);
    const { top, left } = info.padInfo;
    if (batchLast) {
      const xt = heap.f32(nx);
      const dt = heap.f32(nd);
      k.batchInner(xh.ptr, N, H, W, C, xt.ptr);
      k.batchInner(dh.ptr, N, oH, oW, O, dt.ptr);
      xh = xt;
      dh = dt;
      k.convFilterGrad(xh.ptr, 1, H, W, N, C, dh.ptr, oH, oW, O, kH, kW, top, left, wh.ptr);
    } else {
      k.convFilterGrad(xh.ptr, N, H, W, 1, C, dh.ptr, oH, oW, O, kH, kW, top, left, wh.ptr);
    }
    dst.set(wh.view);
  });
  return out;
}

/** Input channels up to which dW sums in (n, p, q) order (the im2col path's), above in (p, q, n). */
export const IM2COL_MAX_IN_CHANNELS = 4;
