import { compileKernelModule } from './kernels';

// The compiler's lib here has no WebAssembly declarations (ES2022 without DOM); what is used of it:
type WasmMemory = object;
type WasmModule = object;
declare const WebAssembly: {
  Instance: new (module: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
};

/**
 * The float32 SIMD training kernels of lib/assembly/training.ts (built next to this file as
 * training.wasm). The module imports the memory it works in: instantiated on tfjs-wasm's heap, its
 * pointer arguments are the byte offsets of tensors there, so nothing is copied in or out. Workspace
 * comes from the same heap (tfjs's malloc).
 */
export interface TrainingKernels {
  // Stride-1 convolutions (lib/assembly/conv.ts).
  convForward(
    x: number,
    N: number,
    H: number,
    W: number,
    C: number,
    w: number,
    kH: number,
    kW: number,
    top: number,
    left: number,
    oH: number,
    oW: number,
    O: number,
    ws: number,
    out: number,
  ): void;
  convForwardWorkspaceBytes(N: number, C: number, kH: number, kW: number, oH: number, oW: number): number;
  batchInner(src: number, N: number, H: number, W: number, C: number, dst: number): void;
  convFilterGrad(
    x: number,
    A: number,
    H: number,
    W: number,
    B: number,
    C: number,
    dy: number,
    oH: number,
    oW: number,
    O: number,
    kH: number,
    kW: number,
    top: number,
    left: number,
    dw: number,
  ): void;
  // Matrix product (lib/assembly/matmul.ts).
  matMul(
    a: number,
    M: number,
    K: number,
    aRow: number,
    aCol: number,
    b: number,
    N: number,
    bRow: number,
    bCol: number,
    ws: number,
    c: number,
  ): void;
  matMulWorkspaceBytes(M: number, K: number, N: number): number;
  // A bias added along the last axis (lib/assembly/elementwise.ts).
  addBias(x: number, rows: number, C: number, b: number, pattern: number, out: number): void;
  // The gradient of 2 × 2 / stride 2 max pooling (lib/assembly/pool.ts).
  maxPool2x2Grad(x: number, dy: number, N: number, H: number, W: number, C: number, oH: number, oW: number, dx: number): void;
  // One Adam step of a parameter (lib/assembly/optimizer.ts).
  adamUpdate(
    n: number,
    w: number,
    g: number,
    m: number,
    v: number,
    decay: number,
    wd: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    bc2: number,
    eps: number,
    step: number,
    wOut: number,
    mOut: number,
    vOut: number,
  ): void;
}

let compiled: WasmModule | undefined;
const instances = new WeakMap<WasmMemory, TrainingKernels>();

/** The training kernels working in `memory` (one instance per memory, made on first use). */
export function trainingKernels(memory: WasmMemory): TrainingKernels {
  let k = instances.get(memory);
  if (!k) {
    compiled ??= compileKernelModule('training.wasm', 'lib/assembly/training.ts');
    k = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as TrainingKernels;
    instances.set(memory, k);
  }
  return k;
}
