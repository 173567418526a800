import { trainingKernels } from '../../simd';
import { heapOffset, type Info, type KernelArgs } from './wasmKernel';

/** Name of the fused Adam update kernel that memgeo adds to the wasm backend. */
export const ADAM_UPDATE_KERNEL = 'MemgeoAdamUpdate';

/**
 * Attributes of the fused Adam update: the float64 constants of one step as the optimizer computes
 * them (each becomes a float32, as the scalar of a tensor op would).
 */
export interface AdamUpdateAttrs {
  /** Add weightDecay·w to the gradient. */
  decay: boolean;
  weightDecay: number;
  beta1: number;
  /** 1 − β1. */
  oneMinusBeta1: number;
  beta2: number;
  /** 1 − β2. */
  oneMinusBeta2: number;
  /** 1 − β2^t. */
  biasCorrection2: number;
  epsilon: number;
  /** lr / (1 − β1^t). */
  stepSize: number;
}

/**
 * One Adam step of a parameter in one pass (lib/assembly/optimizer.ts), for inputs w, g (the
 * gradient), m and v: returns new tensors [w', m', v'] with the bits of the op-by-op update (about
 * ten tensor ops, each a pass over the parameter and a kernel call;
 * tests/train/optimizer.test.ts compares the two).
 */
export function adamUpdate({ inputs, backend, attrs }: KernelArgs): Info[] {
  const { w, g, m, v } = inputs;
  for (const t of [w, g, m, v]) {
    if (t.dtype !== 'float32') throw new Error(`${ADAM_UPDATE_KERNEL}: float32 tensors only, got ${t.dtype}`);
    if (t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i]))
      throw new Error(`${ADAM_UPDATE_KERNEL}: shapes differ ([${t.shape}] against [${w.shape}])`);
  }
  const a = attrs as unknown as AdamUpdateAttrs;
  const outs = [w, m, v].map(() => backend.makeOutput(w.shape, 'float32'));
  const n = w.shape.reduce((p, d) => p * d, 1);
  if (n > 0) {
    const [wOut, mOut, vOut] = outs.map((t) => heapOffset(backend, t));
    trainingKernels(backend.wasm.asm.memory).adamUpdate(
      n,
      heapOffset(backend, w),
      heapOffset(backend, g),
      heapOffset(backend, m),
      heapOffset(backend, v),
      a.decay ? 1 : 0,
      a.weightDecay,
      a.beta1,
      a.oneMinusBeta1,
      a.beta2,
      a.oneMinusBeta2,
      a.biasCorrection2,
      a.epsilon,
      a.stepSize,
      wOut,
      mOut,
      vOut,
    );
  }
  return outs;
}
