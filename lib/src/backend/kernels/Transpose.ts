import * as tf from '@tensorflow/tfjs';
import { callStock, type Info, type KernelArgs } from './wasmKernel';

/** Tile edge of the blocked copy: a 32×32 float tile (4 KB read, 4 KB written) stays in L1. */
const TILE = 32;

/**
 * `Transpose` for wasm as a cache-blocked copy in JS over the wasm heap. The stock C++ kernel walks
 * the output in order and gathers with the input's strides: a 512×512 float transpose (dx of a dense
 * layer) takes ~4.5 ms because every read of a column lands in the same cache sets (power-of-two
 * stride), and the dW path's [N,H,W,C]→[C,H,W,N] took ~20 ms for 3.2M floats. Here axes are first
 * simplified (size-1 axes dropped, axes that stay adjacent merged), then for every index of the
 * remaining outer axes a 2-D block [input axis that becomes innermost] × [innermost input axis] is
 * copied in 32×32 tiles.
 */
export function transpose({ inputs, backend, attrs }: KernelArgs): Info {
  const { x } = inputs;
  const perm = attrs.perm as number[];
  if (x.dtype === 'string' || x.dtype === 'complex64') return callStock('Transpose', inputs, backend, attrs);
  const outShape = perm.map((p) => x.shape[p]);
  const out = backend.makeOutput(outShape, x.dtype);
  const size = tf.util.sizeFromShape(x.shape);
  if (size === 0) return out;
  // Views only after the allocation (it may grow the heap).
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const { shape, order } = simplify(x.shape, perm);
  const r = shape.length;
  if (r <= 1) {
    dst.set(src);
    return out;
  }
  const inStrides = stridesOf(shape);
  const permutedShape = order.map((i) => shape[i]);
  const outStridesPermuted = stridesOf(permutedShape);
  const outStrideOfInAxis = new Array<number>(r);
  order.forEach((axis, k) => (outStrideOfInAxis[axis] = outStridesPermuted[k]));

  const a = order[r - 1]; // input axis that is innermost in the output (output stride 1)
  const b = r - 1; // innermost input axis (input stride 1)
  if (a === b) {
    copyRows(src, dst, shape, inStrides, outStrideOfInAxis);
    return out;
  }
  const A = shape[a];
  const B = shape[b];
  const sa = inStrides[a];
  const ob = outStrideOfInAxis[b];
  const outer = [...Array(r).keys()].filter((i) => i !== a && i !== b);
  const idx = new Array<number>(outer.length).fill(0);
  let baseIn = 0;
  let baseOut = 0;
  for (;;) {
    for (let a0 = 0; a0 < A; a0 += TILE) {
      const a1 = Math.min(A, a0 + TILE);
      for (let b0 = 0; b0 < B; b0 += TILE) {
        const b1 = Math.min(B, b0 + TILE);
        for (let j = b0; j < b1; j++) {
          let s = baseIn + j + a0 * sa;
          let d = baseOut + j * ob + a0;
          for (let i = a0; i < a1; i++) {
            dst[d++] = src[s];
            s += sa;
          }
        }
      }
    }
    // odometer over the outer axes
    let k = outer.length - 1;
    for (; k >= 0; k--) {
      const axis = outer[k];
      idx[k]++;
      baseIn += inStrides[axis];
      baseOut += outStrideOfInAxis[axis];
      if (idx[k] < shape[axis]) break;
      baseIn -= inStrides[axis] * shape[axis];
      baseOut -= outStrideOfInAxis[axis] * shape[axis];
      idx[k] = 0;
    }
    if (k < 0) break;
  }
  return out;
}

/** The innermost axis stays innermost: copy whole rows, walking the other axes. */
function copyRows(
  src: tf.backend_util.TypedArray,
  dst: tf.backend_util.TypedArray,
  shape: number[],
  inStrides: number[],
  outStrides: number[],
): void {
  const r = shape.length;
  const row = shape[r - 1];
  const idx = new Array<number>(r - 1).fill(0);
  let baseIn = 0;
  let baseOut = 0;
  for (;;) {
    if (row >= 64) dst.set(src.subarray(baseIn, baseIn + row), baseOut);
    else for (let j = 0; j < row; j++) dst[baseOut + j] = src[baseIn + j];
    let k = r - 2;
    for (; k >= 0; k--) {
      idx[k]++;
      baseIn += inStrides[k];
      baseOut += outStrides[k];
      if (idx[k] < shape[k]) break;
      baseIn -= inStrides[k] * shape[k];
      baseOut -= outStrides[k] * shape[k];
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

function stridesOf(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Drop size-1 axes and merge runs of input axes that stay consecutive and in order in the output.
 * Returns the reduced input shape and the permutation over it.
 */
export function simplify(shape: number[], perm: number[]): { shape: number[]; order: number[] } {
  const keep = shape.map((d) => d !== 1);
  const kept = [...shape.keys()].filter((i) => keep[i]);
  const rank = new Map(kept.map((axis, i) => [axis, i]));
  const s0 = kept.map((i) => shape[i]);
  const p0 = perm.filter((i) => keep[i]).map((i) => rank.get(i) as number);
  if (p0.length === 0) return { shape: [], order: [] };
  // groups: maximal runs in the output order of consecutive input axes
  const groups: number[][] = [];
  for (const axis of p0) {
    const last = groups[groups.length - 1];
    if (last && last[last.length - 1] + 1 === axis) last.push(axis);
    else groups.push([axis]);
  }
  const byInput = groups.slice().sort((g, h) => g[0] - h[0]);
  const newIndex = new Map(byInput.map((g, i) => [g[0], i]));
  return {
    shape: byInput.map((g) => g.reduce((p, axis) => p * s0[axis], 1)),
    order: groups.map((g) => newIndex.get(g[0]) as number),
  };
}
