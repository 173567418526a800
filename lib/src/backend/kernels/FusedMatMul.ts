import * as tf from '@tensorflow/tfjs';
import { freshCopy } from './BatchMatMul';
import { isStaleOperand } from './staleOperand';
import { callStock, scratch, swapLastTwo, view, type Info, type KernelArgs } from './wasmKernel';

/**
 * `_FusedMatMul` (matmul + bias + activation, used by tf.layers dense and `tf.fused.matMul`) for wasm.
 * The stock kernel has the same stale-B-operand hazard as `BatchMatMul` (it shares the XNNPACK cache;
 * staleOperand.ts), and the same scalar slow path for transposes and batches. Here transposes become
 * explicit copies, a batched A against one B is folded into a single product, and B is guarded.
 * Batched B (rare for a fused op) stays on the stock kernel, whose scalar path is correct there.
 */
export function fusedMatMul({ inputs, backend, attrs }: KernelArgs): Info {
  const { a, b, bias, preluActivationWeights } = inputs;
  const transposeA = Boolean(attrs.transposeA);
  const transposeB = Boolean(attrs.transposeB);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return callStock('_FusedMatMul', inputs, backend, attrs);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const aBatch = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const bBatch = tf.util.sizeFromShape(b.shape.slice(0, -2));
  if (bBatch !== 1) return callStock('_FusedMatMul', inputs, backend, attrs);
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), M, N];

  const s = scratch(backend);
  try {
    const A = transposeA ? s.run('Transpose', { x: a }, { perm: swapLastTwo(ra) }) : a;
    const B = transposeB ? s.run('Transpose', { x: b }, { perm: swapLastTwo(rb) }) : b;
    let b3d = view(B, [1, K, N]);
    if (B === b && isStaleOperand(b, K, N)) b3d = freshCopy(s, b3d);
    const fusedInputs: Record<string, Info> = { a: view(A, [1, aBatch * M, K]), b: b3d };
    if (bias) fusedInputs.bias = bias;
    if (preluActivationWeights) fusedInputs.preluActivationWeights = preluActivationWeights;
    const out = callStock('_FusedMatMul', fusedInputs, backend, { ...attrs, transposeA: false, transposeB: false });
    out.shape = outShape;
    return out;
  } finally {
    s.done();
  }
}
