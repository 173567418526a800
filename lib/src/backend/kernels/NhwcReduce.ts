import * as tf from '@tensorflow/tfjs';
import { callStock, scratch, view, type Info, type KernelArgs, type WasmKernelFunc } from './wasmKernel';

/**
 * `Sum` / `Mean` over axes [0, 1, 2] of a float32 NHWC tensor — the per-channel reductions of conv
 * bias gradients and batch normalization. The stock kernel first transposes the whole tensor to make
 * the axes innermost; here an AvgPool over the full H×W window (no copy) reduces the spatial axes and
 * the small [N, C] remainder is reduced by the stock kernel. Every other case stays stock.
 */
function nhwcReduce(op: 'Sum' | 'Mean'): WasmKernelFunc {
  return (args: KernelArgs): Info => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    if (x.shape.length !== 4 || x.dtype !== 'float32') return callStock(op, inputs, backend, attrs);
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).slice().sort((p, q) => p - q);
    if (axes.join() !== '0,1,2') return callStock(op, inputs, backend, attrs);
    const [N, H, W, C] = x.shape;
    const s = scratch(backend);
    try {
      let pooled = s.run('AvgPool', { x }, { filterSize: [H, W], strides: [1, 1], pad: 'valid', dimRoundingMode: undefined });
      if (op === 'Sum') pooled = s.run('Multiply', { a: pooled, b: s.fill(H * W) });
      const out = callStock(op, { x: view(pooled, [N, C]) }, backend, { axis: [0], keepDims: false });
      out.shape = attrs.keepDims ? [1, 1, 1, C] : [C];
      return out;
    } finally {
      s.done();
    }
  };
}

export const sum = nhwcReduce('Sum');
export const mean = nhwcReduce('Mean');
