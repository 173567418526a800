/*
 * Guard against the stale-B-operand hazard of tfjs-backend-wasm (docs/stack.md §2): its XNNPACK matmul
 * (used by both `BatchMatMul` and `_FusedMatMul`) caches the packed B operand under the key
 * (B's tensor id, bias id, activation) and ignores B's shape. A reshape shares the tensor id, so
 * `matMul(p, x.reshape([6, 4]))` after `matMul(q, x.reshape([4, 6]))` silently reuses the [4, 6]
 * packing and returns wrong numbers.
 *
 * We remember, per data buffer, the first [K, N] it was packed as. Any later use with another [K, N]
 * must go through a copy (a fresh tensor id, hence a fresh cache entry). The map is keyed by the
 * `dataId` object, so entries vanish with the buffer; both kernels share it because they share the
 * C++ cache.
 */

import type { Info } from './wasmKernel';

const packedAs = new WeakMap<object, string>();

/** True when `b`, used as the B operand of the fast path with inner size `k` and `n` columns, would hit a stale packing. */
export function isStaleOperand(b: Info, k: number, n: number): boolean {
  const key = `${k}x${n}`;
  const seen = packedAs.get(b.dataId);
  if (seen === undefined) {
    packedAs.set(b.dataId, key);
    return false;
  }
  return seen !== key;
}
