export { initBackend, getBackendName } from './initBackend';
export type { BackendName } from './initBackend';
export { installWasmTrainingKernels } from './kernels';
