import * as tf from '@tensorflow/tfjs';

/** Time spent in one kernel during a profiled run. */
export interface KernelTiming {
  kernel: string;
  calls: number;
  ms: number;
}

/** What `profileKernels` measured: per-kernel time, and the wall time of the whole run. */
export interface KernelProfile<T> {
  result: T;
  wallMs: number;
  /** Sum over kernels; wallMs − kernelMs is engine/JS overhead (tape, tidy, layers bookkeeping). */
  kernelMs: number;
  kernels: KernelTiming[];
}

/**
 * Run `fn` with every kernel of the active backend wrapped in a wall-clock timer, then restore the
 * kernels. Used to find slow kernels (`memgeo bench train --profile`). Only meaningful for synchronous
 * backends (wasm, cpu), where a kernel's work is done when its function returns. Only outermost
 * kernel calls are counted (memgeo's kernels call other kernels), so times do not overlap.
 */
export async function profileKernels<T>(fn: () => T | Promise<T>): Promise<KernelProfile<T>> {
  const backendName = tf.getBackend();
  const configs = tf.getKernelsForBackend(backendName);
  const stats = new Map<string, { calls: number; ms: number }>();
  let depth = 0;
  for (const k of configs) {
    const inner = k.kernelFunc;
    const stat = { calls: 0, ms: 0 };
    stats.set(k.kernelName, stat);
    tf.unregisterKernel(k.kernelName, backendName);
    tf.registerKernel({
      ...k,
      kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
        const t0 = performance.now();
        depth++;
        try {
          return inner(args);
        } finally {
          depth--;
          if (depth === 0) {
            stat.calls++;
            stat.ms += performance.now() - t0;
          }
        }
      }) as tf.KernelFunc,
    });
  }
  const t0 = performance.now();
  let result: T;
  try {
    result = await fn();
  } finally {
    for (const k of configs) {
      tf.unregisterKernel(k.kernelName, backendName);
      tf.registerKernel(k);
    }
  }
  const wallMs = performance.now() - t0;
  const kernels = [...stats.entries()]
    .filter(([, s]) => s.calls > 0)
    .map(([kernel, s]) => ({ kernel, calls: s.calls, ms: s.ms }))
    .sort((p, q) => q.ms - p.ms);
  return { result, wallMs, kernelMs: kernels.reduce((a, k) => a + k.ms, 0), kernels };
}
