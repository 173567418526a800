import { trainingKernels } from '../../simd';
import { callStock, heapOffset, withHeapWorkspace, type Info, type KernelArgs } from './wasmKernel';

/**
 * `Add` for wasm. A bias added along the last axis (a float32 tensor [..., C] plus a [C] vector, as
 * every convolution and dense layer does) runs on memgeo's SIMD kernel (lib/assembly/elementwise.ts):
 * XNNPACK's broadcasting add walks such a sum C floats at a time, and a layer with 2 or 3 channels
 * spent as long on its bias as on its convolution. The sum is one float32 addition per entry either
 * way, so the bits are the same (tests/backend/simdElementwise.test.ts). Everything else is stock.
 */
export function add(args: KernelArgs): Info {
  const { a, b } = args.inputs;
  const backend = args.backend;
  const C = a.shape[a.shape.length - 1];
  const isBias = a.dtype === 'float32' && b.dtype === 'float32' && a.shape.length >= 2 && b.shape.length === 1 && b.shape[0] === C && C > 0;
  if (!isBias) return callStock('Add', args.inputs, backend, args.attrs);
  const out = backend.makeOutput(a.shape, 'float32');
  const rows = a.shape.slice(0, -1).reduce((p, d) => p * d, 1);
  if (rows === 0) return out;
  withHeapWorkspace(backend, 16 * C, (pattern) =>
    trainingKernels(backend.wasm.asm.memory).addBias(
      heapOffset(backend, a),
      rows,
      C,
      heapOffset(backend, b),
      pattern,
      heapOffset(backend, out),
    ),
  );
  return out;
}
