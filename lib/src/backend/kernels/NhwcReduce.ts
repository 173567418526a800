import * as tf from '@tensorflow/tfjs';
import { callKernel, callStock, scratch, view, type Info, type KernelArgs, type WasmKernelFunc } from './wasmKernel';

/**
 * `Sum` / `Mean` over the *leading* axes of a float32 tensor (e.g. [0, 1, 2] of NHWC: conv bias
 * gradients and batch-norm statistics; [0] of [batch, units]: dense bias gradients). The stock kernel
 * first transposes the whole tensor so the axes become innermost (a slow gather); here the tensor is
 * viewed as [1, L1, L2, C] (L1·L2 = size of the reduced axes, C = the rest) and reduced by one XNNPACK
 * average pooling over the full L1×L2 window, which reads it in place (Sum multiplies back by L).
 * Every other case stays stock.
 */
function leadingReduce(op: 'Sum' | 'Mean'): WasmKernelFunc {
  return (args: KernelArgs): Info => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (x.dtype !== 'float32' || x.shape.length < 2) return callStock(op, inputs, backend, attrs);
    const axes = tf.util
      .parseAxisParam(attrs.axis as number | number[], x.shape)
      .slice()
      .sort((p, q) => p - q);
    const k = axes.length;
    if (k === 0 || k === x.shape.length || axes.some((a, i) => a !== i)) return callStock(op, inputs, backend, attrs);
    const L = tf.util.sizeFromShape(x.shape.slice(0, k));
    const C = tf.util.sizeFromShape(x.shape.slice(k));
    if (L < 2 || C === 0) return callStock(op, inputs, backend, attrs);
    const [L1, L2] = factorPair(L);
    const s = scratch(backend);
    try {
      const pool = { filterSize: [L1, L2], strides: [1, 1], pad: 'valid', dimRoundingMode: undefined };
      const xv = view(x, [1, L1, L2, C]);
      const out =
        op === 'Mean'
          ? callKernel('AvgPool', { x: xv }, backend, pool)
          : callKernel('Multiply', { a: s.run('AvgPool', { x: xv }, pool), b: s.fill(L) }, backend);
      const kept = x.shape.slice(k);
      out.shape = attrs.keepDims ? [...new Array<number>(k).fill(1), ...kept] : kept;
      return out;
    } finally {
      s.done();
    }
  };
}

/** L = a·b with a ≤ b as close as possible (a pooling window as square as the factors allow). */
function factorPair(L: number): [number, number] {
  for (let a = Math.floor(Math.sqrt(L)); a > 1; a--) if (L % a === 0) return [a, L / a];
  return [1, L];
}

export const sum = leadingReduce('Sum');
export const mean = leadingReduce('Mean');
