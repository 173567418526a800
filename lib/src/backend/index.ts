export { initBackend, getBackendName, useBackend } from './initBackend';
export type { BackendName } from './initBackend';
export { installWasmTrainingKernels, installedWasmKernels, WASM_TRAINING_KERNELS } from './kernels';
export { profileKernels } from './kernelProfiler';
export type { KernelProfile, KernelTiming } from './kernelProfiler';
