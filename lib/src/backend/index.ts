export { initBackend, getBackendName, useBackend } from './initBackend';
export type { BackendName } from './initBackend';
export { installWasmTrainingKernels, installedWasmKernels, WASM_TRAINING_KERNELS } from './kernels';
export { ADAM_UPDATE_KERNEL, type AdamUpdateAttrs } from './kernels/AdamUpdate';
export { profileKernels } from './kernelProfiler';
export type { KernelProfile, KernelTiming } from './kernelProfiler';
