/*
 * Shared plumbing for memgeo's wasm training kernels (docs/stack.md §2, Appendix A). A kernel here runs
 * inside the tfjs engine: it gets `TensorInfo`s (not Tensors), must return freshly made outputs, and
 * must free every intermediate it made through `backend.disposeData` — the engine only tracks the
 * outputs. `scratch()` does that bookkeeping.
 */

import * as tf from '@tensorflow/tfjs';

/** The part of tfjs-backend-wasm's BackendWasm that the kernels use. */
export interface WasmBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  dataIdMap: { get(dataId: object): { id: number; shape: number[]; memoryOffset: number } | undefined };
  /** The Emscripten module: its memory (the heap) and allocator. */
  wasm: { asm: { memory: object }; _malloc(bytes: number): number; _free(ptr: number): void };
  /** Allocate an output on the wasm heap (uninitialised memory). */
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  /**
   * A typed-array view of a tensor's bytes on the wasm heap. Take views only after the last
   * allocation of a kernel: an allocation can grow (and so detach) the heap.
   */
  typedArrayFromHeap(t: Info): tf.backend_util.TypedArray;
}

export type Info = tf.TensorInfo;
export type Attrs = Record<string, unknown>;
export interface KernelArgs {
  inputs: Record<string, Info>;
  backend: WasmBackend;
  attrs: Attrs;
}
export type WasmKernelFunc = (args: KernelArgs) => Info;

const stock = new Map<string, WasmKernelFunc>();

/** The kernel function tfjs-backend-wasm shipped for `name` (the original, even after `replaceKernel`). */
export function stockKernel(name: string): WasmKernelFunc {
  let fn = stock.get(name);
  if (!fn) {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`memgeo wasm kernels: tfjs-backend-wasm has no '${name}' kernel (was it imported?)`);
    fn = k.kernelFunc as unknown as WasmKernelFunc;
    stock.set(name, fn);
  }
  return fn;
}

/** Call a stock kernel directly (no engine bookkeeping, no tape). */
export function callStock(name: string, inputs: Record<string, Info>, backend: WasmBackend, attrs: Attrs = {}): Info {
  return stockKernel(name)({ inputs, backend, attrs });
}

/**
 * Replace the registered wasm kernel `name` by `fn`, keeping the stock setup function (it binds the
 * C++ entry point the stock kernel function, still reachable via `stockKernel`, needs).
 */
export function replaceKernel(name: string, fn: WasmKernelFunc): void {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`memgeo wasm kernels: cannot replace '${name}': not registered for wasm`);
  stockKernel(name); // remember the original before unregistering it
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', setupFunc: k.setupFunc, kernelFunc: fn as unknown as tf.KernelFunc });
}

/** Register a kernel tfjs-backend-wasm lacks. */
export function addKernel(name: string, fn: WasmKernelFunc): void {
  if (tf.getKernel(name, 'wasm')) throw new Error(`memgeo wasm kernels: '${name}' is already registered for wasm`);
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as tf.KernelFunc });
}

/**
 * Call the kernel currently registered for wasm (memgeo's replacement where there is one, e.g. the
 * copy-free Slice). A replacement must not call itself through this; it uses `callStock`.
 */
export function callKernel(name: string, inputs: Record<string, Info>, backend: WasmBackend, attrs: Attrs = {}): Info {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`memgeo wasm kernels: no '${name}' kernel registered for wasm`);
  return (k.kernelFunc as unknown as WasmKernelFunc)({ inputs, backend, attrs });
}

/**
 * Intermediates of one kernel call: `run` calls the registered kernel (`callKernel`) and remembers
 * its output; `done` frees them all.
 */
export interface Scratch {
  run(name: string, inputs: Record<string, Info>, attrs?: Attrs): Info;
  /** A float32 [1] tensor holding `value` (broadcasts in binary ops). */
  fill(value: number): Info;
  /** Free `t` (made by some other call) with the rest. */
  own(t: Info): Info;
  done(): void;
}

export function scratch(backend: WasmBackend): Scratch {
  const tmp: Info[] = [];
  return {
    run(name, inputs, attrs = {}) {
      const r = callKernel(name, inputs, backend, attrs);
      tmp.push(r);
      return r;
    },
    own(t) {
      tmp.push(t);
      return t;
    },
    fill(value) {
      const r = callStock('Fill', {}, backend, { shape: [1], value, dtype: 'float32' });
      tmp.push(r);
      return r;
    },
    done() {
      for (const t of tmp) backend.disposeData(t.dataId);
      tmp.length = 0;
    },
  };
}

/** Byte offset of a tensor's data on the wasm heap: the pointer memgeo's training kernels take. */
export function heapOffset(backend: WasmBackend, t: Info): number {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error('memgeo wasm kernels: a tensor that is not on the wasm backend');
  return d.memoryOffset >>> 0;
}

/**
 * `use` with `bytes` of workspace on the wasm heap, freed afterwards. The allocation can grow (and so
 * detach) the heap: take typed views of tensors only inside `use`.
 */
export function withHeapWorkspace<T>(backend: WasmBackend, bytes: number, use: (ptr: number) => T): T {
  const ptr = backend.wasm._malloc(Math.max(16, bytes)) >>> 0;
  if (ptr === 0) throw new Error(`memgeo wasm kernels: no ${bytes} bytes of workspace on the wasm heap`);
  try {
    return use(ptr);
  } finally {
    backend.wasm._free(ptr);
  }
}

/** Permutation that swaps the last two axes of a rank-`rank` tensor. */
export function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/** A TensorInfo that views `t`'s data with another shape (a free reshape; same data id). */
export function view(t: Info, shape: number[]): Info {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}
