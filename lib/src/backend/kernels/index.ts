/**
 * Training kernels for the tfjs wasm backend (stack.md §2 and Appendix A; environment.md "Backends").
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
import { batchMatMul } from './BatchMatMul';
import { cast } from './Cast';
import { conv2DBackpropFilter } from './Conv2DBackpropFilter';
import { conv2DBackpropInput } from './Conv2DBackpropInput';
import { fusedMatMul } from './FusedMatMul';
import { identity } from './Identity';
import { maxPoolGrad } from './MaxPoolGrad';
import { mean, sum } from './NhwcReduce';
import { slice } from './Slice';
import { tile } from './Tile';
import { addKernel, replaceKernel } from './wasmKernel';
import { registerReduceGradients } from '../gradients/reduceGradients';

let installed = false;

/** Names of the kernels memgeo adds to or replaces in the wasm backend. */
export const WASM_TRAINING_KERNELS = ['Conv2DBackpropFilter', 'BatchMatMul', '_FusedMatMul', 'Conv2DBackpropInput', 'Sum', 'Mean', 'Tile', 'MaxPoolGrad', 'Identity', 'Cast', 'Slice'] as const;

/**
 * Install memgeo's wasm training kernels (idempotent), and the broadcast-based Mean/Sum gradients
 * (../gradients/reduceGradients.ts; gradients are global in tfjs, not per backend).
 */
export function installWasmTrainingKernels(): void {
  if (installed) return;
  if (!tf.getKernel('BatchMatMul', 'wasm')) {
    throw new Error("installWasmTrainingKernels: import '@tensorflow/tfjs-backend-wasm' first (no wasm kernels are registered)");
  }
  addKernel('Conv2DBackpropFilter', conv2DBackpropFilter);
  replaceKernel('BatchMatMul', batchMatMul);
  replaceKernel('_FusedMatMul', fusedMatMul);
  replaceKernel('Conv2DBackpropInput', conv2DBackpropInput);
  replaceKernel('Sum', sum);
  replaceKernel('Mean', mean);
  replaceKernel('Tile', tile);
  replaceKernel('MaxPoolGrad', maxPoolGrad);
  replaceKernel('Identity', identity);
  replaceKernel('Cast', cast);
  replaceKernel('Slice', slice);
  registerReduceGradients();
  installed = true;
}

/** Whether `installWasmTrainingKernels()` has run in this process. */
export function wasmTrainingKernelsInstalled(): boolean {
  return installed;
}
