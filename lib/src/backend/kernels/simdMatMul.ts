import * as tf from '@tensorflow/tfjs';
import { trainingKernels } from '../../simd';
import { heapOffset, withHeapWorkspace, type Info, type WasmBackend } from './wasmKernel';

/**
 * A·B (either transposed) on the float32 SIMD kernel of lib/assembly/matmul.ts, working in tfjs-wasm's
 * memory: the operands are read where tfjs keeps them, a transpose is a stride, and only B is packed
 * (into panels of 8 columns, O(K·N) against the O(M·K·N) product). Each entry is one sequential
 * float32 sum over k from +0, the order of XNNPACK's GEMM: the bits are those of the XNNPACK path
 * (`xnnpackBatchMatMul`) it replaces (tests/backend/simdMatMul.test.ts).
 *
 * Returns null for what it does not take: batched B, or a batched A that is transposed (neither
 * folds into one product).
 */
export function trySimdMatMul(backend: WasmBackend, a: Info, b: Info, transposeA: boolean, transposeB: boolean): Info | null {
  const { M, K, N } = matMulDims(a, b, transposeA, transposeB);
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const aBatch = tf.util.sizeFromShape(aOuter);
  if (tf.util.sizeFromShape(bOuter) !== 1 || (aBatch > 1 && transposeA)) return null;
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter), M, N];
  const out = backend.makeOutput(outShape, 'float32');
  const rows = aBatch * M;
  if (rows * N === 0) return out;
  const k = trainingKernels(backend.wasm.asm.memory);
  withHeapWorkspace(backend, k.matMulWorkspaceBytes(rows, K, N), (ws) => {
    // A[m, k] at m·aRow + k·aCol, B[k, n] at k·bRow + n·bCol (in floats).
    const [aRow, aCol] = transposeA ? [1, M] : [K, 1];
    const [bRow, bCol] = transposeB ? [1, K] : [N, 1];
    k.matMul(heapOffset(backend, a), rows, K, aRow, aCol, heapOffset(backend, b), N, bRow, bCol, ws, heapOffset(backend, out));
  });
  return out;
}

/** [M, K] · [K, N] of a product of the last two axes (either transposed); tfjs's message when the inner sizes differ. */
export function matMulDims(a: Info, b: Info, transposeA: boolean, transposeB: boolean): { M: number; K: number; N: number } {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const Kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (K !== Kb) {
    throw new Error(
      `Error in matMul: inner shapes (${K}) and (${Kb}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  return { M, K, N };
}
