import * as tf from '@tensorflow/tfjs';
import {
  callKernel,
  callStock,
  scratch,
  type Scratch,
  swapLastTwo,
  view,
  type Info,
  type KernelArgs,
  type WasmBackend,
} from './wasmKernel';
import { matMulDims, trySimdMatMul } from './simdMatMul';
import { isStaleOperand } from './staleOperand';

/**
 * Per-batch-item work (M·K·N) below which a batched product stays in the stock kernel: its scalar loop
 * beats one fast-path call per batch item when the items are tiny.
 */
const LOOP_MIN_WORK = 32 * 32 * 32;

/**
 * `BatchMatMul` for wasm. A single product, or a batched A against one B (folded into one product),
 * runs on memgeo's float32 SIMD kernel (./simdMatMul.ts: transposes by strides, no copies; 48–54
 * GFLOP/s on the dense layers here, `memgeo bench conv`), which gives the bits of the XNNPACK path below. Other batched products take that path.
 */
export function batchMatMul(args: KernelArgs): Info {
  const { a, b } = args.inputs;
  if (a.dtype === 'float32' && b.dtype === 'float32') {
    const out = trySimdMatMul(args.backend, a, b, Boolean(args.attrs.transposeA), Boolean(args.attrs.transposeB));
    if (out) return out;
  }
  return xnnpackBatchMatMul(args);
}

/**
 * `BatchMatMul` for wasm that always lands on the fast XNNPACK path (≈30 GFLOP/s) instead of the stock
 * scalar loop (1.6–2.6 GFLOP/s), which the stock kernel takes for any transpose or batch > 1
 * (docs/stack.md §2); what memgeo ran before the SIMD kernel, kept for the batched products it does
 * not take and as the reference of tests/backend/simdMatMul.test.ts and `memgeo bench conv`:
 * - transposeA/B become an explicit Transpose (O(size) copies against an O(M·K·N) product);
 * - a batched A against a single B is folded into one [batch·M, K] × [K, N] product;
 * - other batched products run one fast product per batch item (correct broadcasting, which the
 *   stock kernel gets wrong when only one side is batched);
 * - the B operand is guarded against the stale-packing hazard (staleOperand.ts).
 */
export function xnnpackBatchMatMul({ inputs, backend, attrs }: KernelArgs): Info {
  const { a, b } = inputs;
  const transposeA = Boolean(attrs.transposeA);
  const transposeB = Boolean(attrs.transposeB);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return callStock('BatchMatMul', inputs, backend, attrs);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const { M, K, N } = matMulDims(a, b, transposeA, transposeB);
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const outOuter = tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  const outShape = [...outOuter, M, N];
  const aBatch = tf.util.sizeFromShape(aOuter);
  const bBatch = tf.util.sizeFromShape(bOuter);
  const batch = tf.util.sizeFromShape(outOuter);

  // Tiny batched products without broadcasting: the stock scalar loop is right and cheaper than a loop of calls.
  if (batch > 1 && aBatch === bBatch && M * K * N < LOOP_MIN_WORK) return callStock('BatchMatMul', inputs, backend, attrs);

  const s = scratch(backend);
  try {
    if (transposeB && aBatch === 1 && bBatch === 1 && swappedIsCheaper(M, K, N, transposeA)) {
      // A·Bᵀ = (B·Aᵀ)ᵀ: B becomes the streamed operand (no transpose, no packing) — e.g. dx = dy·Wᵀ of
      // a dense layer packs the small dyᵀ instead of transposing and packing the whole weight matrix.
      const At = transposeA ? a : s.run('Transpose', { x: view(a, [M, K]) }, { perm: [1, 0] });
      const outT = fastMatMul(backend, s, view(b, [1, N, K]), At, K, M, At === a);
      s.own(outT);
      const out = callKernel('Transpose', { x: view(outT, [N, M]) }, backend, { perm: [1, 0] });
      out.shape = outShape;
      return out;
    }
    const A = transposeA ? s.run('Transpose', { x: a }, { perm: swapLastTwo(ra) }) : a;
    const B = transposeB ? s.run('Transpose', { x: b }, { perm: swapLastTwo(rb) }) : b;
    let out: Info;
    if (bBatch === 1) {
      out = fastMatMul(backend, s, view(A, [1, aBatch * M, K]), B, K, N, B === b);
    } else {
      out = loopMatMul(backend, s, A, B, aOuter, bOuter, outOuter, M, K, N);
    }
    out.shape = outShape;
    return out;
  } finally {
    s.done();
  }
}

/**
 * Floats moved besides the product itself: directly, Aᵀ (if transposed) is copied and Bᵀ copied and
 * packed; swapped, Aᵀ is copied (unless given transposed) and packed, and the [N, M] result copied.
 */
function swappedIsCheaper(M: number, K: number, N: number, transposeA: boolean): boolean {
  const direct = (transposeA ? M * K : 0) + 2 * N * K;
  const swapped = (transposeA ? M * K : 2 * M * K) + M * N;
  return swapped < direct;
}

/** One fast-path product a3d [1, rows, K] × B [.., K, N]; `guard` when B is a caller's tensor (may carry a stale packing). */
function fastMatMul(backend: WasmBackend, s: Scratch, a3d: Info, B: Info, K: number, N: number, guard: boolean): Info {
  let b3d = view(B, [1, K, N]);
  if (guard && isStaleOperand(B, K, N)) b3d = freshCopy(s, b3d);
  return callStock('BatchMatMul', { a: a3d, b: b3d }, backend, { transposeA: false, transposeB: false });
}

/** A scratch copy of `t` under a new tensor id (so a new packing cache entry): Add with a scalar zero. */
export function freshCopy(s: Scratch, t: Info): Info {
  return s.run('Add', { a: t, b: s.fill(0) });
}

/** Batched product with numpy broadcasting of the batch dims, one fast product per output batch item. */
function loopMatMul(
  backend: WasmBackend,
  s: Scratch,
  A: Info,
  B: Info,
  aOuter: number[],
  bOuter: number[],
  outOuter: number[],
  M: number,
  K: number,
  N: number,
): Info {
  const batch = tf.util.sizeFromShape(outOuter);
  const aBatch = tf.util.sizeFromShape(aOuter);
  const bBatch = tf.util.sizeFromShape(bOuter);
  const A3 = view(A, [aBatch, M, K]);
  const B3 = view(B, [bBatch, K, N]);
  const aIndex = broadcastIndex(aOuter, outOuter);
  const bIndex = broadcastIndex(bOuter, outOuter);
  const parts: Info[] = [];
  for (let i = 0; i < batch; i++) {
    const ai = aIndex(i);
    const bi = bIndex(i);
    const Ai = aBatch === 1 ? view(A3, [1, M, K]) : s.run('Slice', { x: A3 }, { begin: [ai, 0, 0], size: [1, M, K] });
    // A slice is always a fresh tensor, so it can never carry a stale packing.
    const Bi = s.run('Slice', { x: B3 }, { begin: [bi, 0, 0], size: [1, K, N] });
    parts.push(callStock('BatchMatMul', { a: Ai, b: Bi }, backend, { transposeA: false, transposeB: false }));
  }
  try {
    return callStock('Concat', parts as unknown as Record<string, Info>, backend, { axis: 0 });
  } finally {
    for (const p of parts) backend.disposeData(p.dataId);
  }
}

/** Map a flat index over `outShape` to the flat index of the (broadcast) operand with shape `shape`. */
function broadcastIndex(shape: number[], outShape: number[]): (i: number) => number {
  const rank = outShape.length;
  const padded = [...Array(rank - shape.length).fill(1), ...shape];
  const strides: number[] = new Array(rank).fill(0);
  let acc = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : acc;
    acc *= padded[d];
  }
  return (i: number) => {
    let rest = i;
    let idx = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      idx += c * strides[d];
    }
    return idx;
  };
}
