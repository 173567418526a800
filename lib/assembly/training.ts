// The training kernels (float32 SIMD), a module of their own that imports tfjs-wasm's memory: they
// read and write tensors where tfjs keeps them (lib/src/simd/trainingKernels.ts instantiates it).
// It must hold no static data, which would be written into tfjs's heap when it is instantiated.
export { batchInner, convFilterGrad, convForward, convForwardWorkspaceBytes } from "./conv";
export { matMul, matMulWorkspaceBytes } from "./matmul";
export { adamUpdate } from "./optimizer";
export { addBias } from "./elementwise";
export { maxPool2x2Grad } from "./pool";
