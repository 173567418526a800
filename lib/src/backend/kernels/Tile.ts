import { callStock, scratch, type Info, type KernelArgs } from './wasmKernel';

/**
 * `Tile` for wasm when it is a broadcast (every repeated axis has size 1) — the batch-norm gradient
 * tiles per-channel vectors to the activation shape this way. The stock kernel is a slow generic loop
 * (136 ms for 3.2M floats, docs/stack.md §2); a zero fill plus a broadcasting Add writes the same values at
 * memory speed. Real repetitions of non-singleton axes stay stock.
 */
export function tile(args: KernelArgs): Info {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const reps = attrs.reps as number[];
  if (x.dtype !== 'float32' || !reps.every((r, i) => r === 1 || x.shape[i] === 1)) return callStock('Tile', inputs, backend, attrs);
  const s = scratch(backend);
  try {
    const zeros = s.run('Fill', {}, { shape: x.shape.map((d, i) => d * reps[i]), value: 0, dtype: 'float32' });
    return callStock('Add', { a: zeros, b: x }, backend, {});
  } finally {
    s.done();
  }
}
