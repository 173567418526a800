/*
 * Training kernels for the tfjs wasm backend (docs/stack.md §2 and Appendix A; environment.md "Backends").
 * Stock tfjs-backend-wasm 4.22 cannot train a convnet (no `Conv2DBackpropFilter`), takes scalar slow
 * paths for transposed/batched matmul, conv input gradients, NHWC reductions and Tile, and silently
 * returns wrong matmul results when one buffer is used as the B operand under two shapes. Each file
 * here replaces one kernel; every one is checked against the pure-JS cpu backend in tests/backend.
 *
 * Must run after '@tensorflow/tfjs-backend-wasm' is imported (it registers the stock kernels), and
 * normally before `tf.setBackend('wasm')`. (Installing later also works: the replacements keep the
 * stock setup functions, which the engine has then already run.)
 */

import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, adamUpdate } from './AdamUpdate';
import { add } from './Add';
import { batchMatMul } from './BatchMatMul';
import { cast } from './Cast';
import { conv2D } from './Conv2D';
import { conv2DBackpropFilter } from './Conv2DBackpropFilter';
import { conv2DBackpropInput } from './Conv2DBackpropInput';
import { fusedMatMul } from './FusedMatMul';
import { identity } from './Identity';
import { maxPoolGrad } from './MaxPoolGrad';
import { mean, sum } from './NhwcReduce';
import { slice } from './Slice';
import { splitV } from './SplitV';
import { stridedSlice } from './StridedSlice';
import { unpack } from './Unpack';
import { tile } from './Tile';
import { transpose } from './Transpose';
import { addKernel, replaceKernel, type WasmKernelFunc } from './wasmKernel';
import { registerReduceGradients } from '../gradients/reduceGradients';

let installed = false;
let installedNames: string[] = [];

/** memgeo's wasm kernels: added (wasm has none) or replacing the stock one. */
const KERNELS: Record<string, { fn: WasmKernelFunc; add?: boolean }> = {
  Conv2D: { fn: conv2D },
  Conv2DBackpropFilter: { fn: conv2DBackpropFilter, add: true },
  BatchMatMul: { fn: batchMatMul },
  _FusedMatMul: { fn: fusedMatMul },
  Conv2DBackpropInput: { fn: conv2DBackpropInput },
  Sum: { fn: sum },
  Mean: { fn: mean },
  Tile: { fn: tile },
  MaxPoolGrad: { fn: maxPoolGrad },
  Identity: { fn: identity },
  Cast: { fn: cast },
  Slice: { fn: slice },
  SplitV: { fn: splitV as unknown as WasmKernelFunc },
  Unpack: { fn: unpack as unknown as WasmKernelFunc },
  StridedSlice: { fn: stridedSlice },
  Transpose: { fn: transpose },
  Add: { fn: add },
  // Not a tfjs kernel: Optimizer.apply's Adam step in one pass, used when the backend has it.
  [ADAM_UPDATE_KERNEL]: { fn: adamUpdate as unknown as WasmKernelFunc, add: true },
};

/** Names of the kernels memgeo adds to or replaces in the wasm backend. */
export const WASM_TRAINING_KERNELS = Object.keys(KERNELS);

/** The subset of docs/stack.md Appendix A (the starting point), for before/after benchmarks. */
const APPENDIX_A = ['Conv2DBackpropFilter', 'BatchMatMul', 'Conv2DBackpropInput', 'Sum', 'Mean', 'Tile'];

/**
 * Which kernels to install: all of them, unless MEMGEO_WASM_KERNELS (for benchmarking only) names a
 * comma-separated subset, `appendix` (the docs/stack.md Appendix A set, without the broadcast Mean/Sum
 * gradients) or `none` (stock wasm, which cannot train a convnet).
 */
function selection(): { names: string[]; gradients: boolean } {
  const env = process.env.MEMGEO_WASM_KERNELS?.trim();
  if (!env || env === 'all') return { names: WASM_TRAINING_KERNELS, gradients: true };
  if (env === 'none') return { names: [], gradients: false };
  if (env === 'appendix') return { names: APPENDIX_A, gradients: false };
  const names = env
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(n in KERNELS) && n !== 'gradients');
  if (unknown.length)
    throw new Error(
      `MEMGEO_WASM_KERNELS: unknown kernel(s) ${unknown.join(', ')}; known: ${WASM_TRAINING_KERNELS.join(', ')}, gradients, or all | appendix | none`,
    );
  return { names: names.filter((n) => n !== 'gradients'), gradients: names.includes('gradients') };
}

/**
 * Install memgeo's wasm training kernels (idempotent), and the broadcast-based Mean/Sum gradients
 * (../gradients/reduceGradients.ts; gradients are global in tfjs, not per backend).
 */
export function installWasmTrainingKernels(): void {
  if (installed) return;
  if (!tf.getKernel('BatchMatMul', 'wasm')) {
    throw new Error("installWasmTrainingKernels: import '@tensorflow/tfjs-backend-wasm' first (no wasm kernels are registered)");
  }
  const { names, gradients } = selection();
  for (const name of names) {
    const k = KERNELS[name];
    if (k.add) addKernel(name, k.fn);
    else replaceKernel(name, k.fn);
  }
  if (gradients) registerReduceGradients();
  installedNames = names.slice();
  installed = true;
}

/** The kernels `installWasmTrainingKernels()` installed in this process (empty before it ran). */
export function installedWasmKernels(): string[] {
  return installedNames.slice();
}
