import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';

// The compiler's lib here has no WebAssembly declarations (ES2022 without DOM); what is used of it:
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
};

/**
 * The WebAssembly SIMD kernels of lib/assembly/kernels.ts (built next to this file as kernels.wasm).
 * Every pointer argument is a byte offset into the instance's own memory; `SimdHeap` hands them out.
 */
export interface SimdKernels {
  memory: WasmMemory;
  columnGram(u: number, N: number, M: number, g: number): void;
  centerPoints(x: number, M: number, N: number, c: number): void;
  rowDots(basis: number, K: number, x: number, M: number, N: number, out: number): void;
  // The centre-correlation cost, on the arrays corrBind set (one cost per instance).
  corrBind(
    P: number,
    d: number,
    K: number,
    coords: number,
    rowEnd: number,
    G: number,
    cT: number,
    ir: number,
    aLow: number,
    row: number,
    tAcc: number,
    bcT: number,
    gT: number,
    vT: number,
    cx: number,
    cd: number,
  ): void;
  corrImage(out: number): void;
  corrInverseResiduals(): void;
  corrOffDiagonal(keep: number): number;
  corrCostAndGrad(haveLow: number): number;
  corrCostAt(alpha: number, rInv: number): number;
  anchorWorkspaceBytes(D1: number, M: number, nT: number): number;
  householderQr(a: number, rows: number, cols: number, tau: number): void;
  householderQ(qr: number, rows: number, cols: number, tau: number, q: number): void;
  corrCgWorkspaceBytes(d: number, K: number): number;
  corrCg(
    x0: number,
    xOut: number,
    ws: number,
    maxIterations: number,
    minGradNorm: number,
    minStepSize: number,
    maxBacktracks: number,
    maxTimeSeconds: number,
    out: number,
  ): void;
  anchorGeometry(sD1: number, dim: number, M: number, tv: number, nT: number, kappa: number, ws: number, out: number): void;
  fillNormal(state: number, out: number, n: number): void;
  jacobiSweeps(a: number, v: number, d: number, maxSweeps: number): number;
  projectRows(x: number, T: number, n: number, w: number, K: number, z: number, ws: number): void;
}

let compiled: WasmModule | undefined;

function kernelModule(): WasmModule {
  compiled ??= compileKernelModule('kernels.wasm', 'lib/assembly/kernels.ts');
  return compiled;
}

/**
 * Compile one of the modules built next to this file (`npm run build` makes them from `source`).
 * V8 first compiles WebAssembly with its baseline compiler (Liftoff) and moves hot functions to the
 * optimising one (TurboFan) only after they have run a while, so a short-lived process (the CLI, a
 * worker) spends much of its work in baseline code. The modules are small (6–24 KB): optimise them
 * all at once, then give the flag back so that other modules (tfjs's wasm backend) keep V8's default.
 */
export function compileKernelModule(fileName: string, source: string): WasmModule {
  const file = path.join(__dirname, fileName);
  if (!fs.existsSync(file)) throw new Error(`memgeo: ${file} is missing; run \`npm run build\` (it compiles ${source})`);
  const bytes = fs.readFileSync(file);
  v8.setFlagsFromString('--no-liftoff');
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    v8.setFlagsFromString('--liftoff');
  }
}

/** A typed view into a heap together with its byte offset, the pointer the kernels take. */
export interface HeapArray<T> {
  ptr: number;
  view: T;
}

/** The module's first page holds nothing of ours (AssemblyScript's static data lives there). */
const HEAP_BASE = 65536;
const PAGE = 65536;

/**
 * One instance of the kernels with a fixed-size memory and a bump allocator over it. The memory is
 * sized once, at construction, and never grows, so the typed views handed out stay valid for the
 * life of the heap (a growing WebAssembly memory detaches every view of it). Give a heap to one
 * owner (a cost function, a reduction); it is reclaimed by the garbage collector with its owner.
 */
export class SimdHeap {
  readonly kernels: SimdKernels;
  readonly bytes: number;
  private top = HEAP_BASE;

  constructor(bytes: number) {
    const instance = new WebAssembly.Instance(kernelModule(), {
      env: { nowMs: () => Date.now(), log: Math.log, sin: Math.sin, cos: Math.cos },
    });
    this.kernels = instance.exports as unknown as SimdKernels;
    const need = HEAP_BASE + bytes;
    const have = this.kernels.memory.buffer.byteLength;
    if (need > have) this.kernels.memory.grow(Math.ceil((need - have) / PAGE));
    this.bytes = bytes;
  }

  /** Bytes `f64`/`i32` need for arrays of these lengths (each rounded up to 16-byte alignment). */
  static bytesFor(f64Lengths: number[], i32Lengths: number[] = []): number {
    const align = (b: number) => Math.ceil(b / 16) * 16;
    return f64Lengths.reduce((s, n) => s + align(8 * n), 0) + i32Lengths.reduce((s, n) => s + align(4 * n), 0);
  }

  private take(bytes: number): number {
    const ptr = this.top;
    const end = ptr + Math.ceil(bytes / 16) * 16;
    if (end > HEAP_BASE + this.bytes) throw new Error(`SimdHeap: ${bytes} more bytes do not fit in ${this.bytes}`);
    this.top = end;
    return ptr;
  }

  f64(length: number): HeapArray<Float64Array> {
    const ptr = this.take(8 * length);
    return { ptr, view: new Float64Array(this.kernels.memory.buffer, ptr, length) };
  }

  f32(length: number): HeapArray<Float32Array> {
    const ptr = this.take(4 * length);
    return { ptr, view: new Float32Array(this.kernels.memory.buffer, ptr, length) };
  }

  i32(length: number): HeapArray<Int32Array> {
    const ptr = this.take(4 * length);
    return { ptr, view: new Int32Array(this.kernels.memory.buffer, ptr, length) };
  }

  /** Forget every allocation (the views handed out before alias what comes next). */
  reset(): void {
    this.top = HEAP_BASE;
  }
}

let scratch: SimdHeap | null = null;
let scratchInUse = false;

/**
 * Run `use` with this thread's scratch heap, emptied and at least `bytes` large, for kernels whose
 * inputs and outputs are copied in and out within the call: nothing allocated from it may be kept
 * after `use` returns. A call made while the scratch heap is in use (nested) gets a heap of its own.
 */
export function withScratchHeap<T>(bytes: number, use: (heap: SimdHeap) => T): T {
  if (scratchInUse) return use(new SimdHeap(bytes));
  if (!scratch || scratch.bytes < bytes) scratch = new SimdHeap(Math.max(bytes, 1 << 20));
  scratch.reset();
  scratchInUse = true;
  try {
    return use(scratch);
  } finally {
    scratchInUse = false;
  }
}

let sizes: SimdKernels | null = null;

/** The kernels of an instance with no memory of its own, for the workspace-size queries. */
export function simdKernels(): SimdKernels {
  sizes ??= new SimdHeap(0).kernels;
  return sizes;
}

/** Normals per kernel call: the chunk is copied out, so its size only bounds the heap (64 KB). */
const NORMAL_CHUNK = 8192;

/**
 * The standard-normal draw of `Rng.fillNormal` (random/rng.ts) run in the kernels: the caller writes
 * its generator into `words`, `spare` and `hasSpare`, calls `fill`, and reads them back. The values
 * are the JavaScript draw's, bit for bit (the kernel imports JavaScript's log, sin and cos), at about
 * a quarter of its time.
 */
export class NormalKernel {
  /** xoshiro128** s0..s3. */
  readonly words: Uint32Array;
  /** The Box–Muller value kept for the next draw, and whether there is one (1) or not (0). */
  readonly spare: Float64Array;
  readonly hasSpare: Int32Array;
  private readonly heap = new SimdHeap(SimdHeap.bytesFor([4, NORMAL_CHUNK]));
  private readonly state: number;
  private readonly chunk: HeapArray<Float64Array>;

  constructor() {
    const st = this.heap.f64(4); // 32 bytes: four u32 words, the f64 spare at +16, the i32 flag at +24
    this.state = st.ptr;
    const buffer = this.heap.kernels.memory.buffer;
    this.words = new Uint32Array(buffer, st.ptr, 4);
    this.spare = new Float64Array(buffer, st.ptr + 16, 1);
    this.hasSpare = new Int32Array(buffer, st.ptr + 24, 1);
    this.chunk = this.heap.f64(NORMAL_CHUNK);
  }

  fill(out: Float64Array | Float32Array): void {
    for (let off = 0; off < out.length; off += NORMAL_CHUNK) {
      const n = Math.min(NORMAL_CHUNK, out.length - off);
      this.heap.kernels.fillNormal(this.state, this.chunk.ptr, n);
      out.set(n === NORMAL_CHUNK ? this.chunk.view : this.chunk.view.subarray(0, n), off);
    }
  }
}

let normals: NormalKernel | null = null;

/** This thread's NormalKernel. */
export function normalKernel(): NormalKernel {
  normals ??= new NormalKernel();
  return normals;
}
