// Element-wise float32 SIMD kernels for training on the wasm backend (lib/src/backend/kernels/Add.ts).
// Arguments are byte offsets into the memory this module imports (tfjs-wasm's heap) and sizes.

// @ts-nocheck -- AssemblyScript types (v128, usize, f32x4, load/store) are not TypeScript's.

/**
 * out[r, c] = x[r, c] + b[c] for `rows` rows of C floats: a bias added along the last axis, each entry
 * one float32 addition (the bits of any other way to add them). `pattern` (4·C floats of workspace)
 * receives b repeated four times, so that whole vectors of the flat array line up with the bias
 * whatever C is (three channels: a run of 12 floats is three vectors).
 */
export function addBias(x: usize, rows: i32, C: i32, b: usize, pattern: usize, out: usize): void {
  const L = (C & 3) === 0 ? C : 4 * C;
  for (let j = 0; j < L; j++) store<f32>(pattern + ((<usize>j) << 2), load<f32>(b + ((<usize>(j % C)) << 2)));
  const total = <usize>rows * <usize>C;
  const runs = total / <usize>L;
  const runBytes = (<usize>L) << 2;
  let xp = x;
  let op = out;
  for (let r: usize = 0; r < runs; r++) {
    for (let o: usize = 0; o < runBytes; o += 16) v128.store(op + o, f32x4.add(v128.load(xp + o), v128.load(pattern + o)));
    xp += runBytes;
    op += runBytes;
  }
  // What is left is less than one run and starts at channel 0.
  const rest = <i32>(total - runs * <usize>L);
  for (let j = 0; j < rest; j++) store<f32>(op + ((<usize>j) << 2), load<f32>(xp + ((<usize>j) << 2)) + load<f32>(pattern + ((<usize>j) << 2)));
}
