// Float32 SIMD matrix product for training on the wasm backend (lib/src/backend/kernels/BatchMatMul.ts
// has the choice of path). Arguments are byte offsets into the memory this module imports (tfjs-wasm's
// heap) and sizes; matrices are float32.

// @ts-nocheck -- AssemblyScript types (v128, usize, f32x4, load/store) are not TypeScript's.

/** Columns of one packed panel of B: two f32x4 registers. */
const NR: i32 = 8;

/**
 * Rows of B per pass: a panel's slice (KC × 8 floats, 8 KB) stays in L1 while every row block of A
 * streams past it. A pass stores its partial sums in C as float32 and the next pass continues them,
 * which keeps each entry one sequential float32 sum over k.
 */
const KC: i32 = 256;

/** Bytes of `matMul`'s workspace: B packed in panels of 8 columns, and C padded to whole panels when N is not a multiple of 8. */
export function matMulWorkspaceBytes(M: i32, K: i32, N: i32): i32 {
  const N8 = (N + NR - 1) & ~(NR - 1);
  return K * N8 * 4 + (N8 === N ? 0 : M * N8 * 4);
}

/**
 * c [M, N] (row-major) = A · B, where A[m, k] is the float at a + 4·(m·aRow + k·aCol) and B[k, n] the
 * float at b + 4·(k·bRow + n·bCol): strides express either operand transposed without a copy. Every
 * entry is one sequential float32 sum from +0 over k = 0, 1, …, K − 1 (a separately rounded multiply,
 * then add), the order of XNNPACK's f32 GEMM, which this replaces: the bits are the same
 * (tests/backend/simdMatMul.test.ts).
 *
 * Blocks of 4 rows × 8 columns keep their 32 sums in eight f32x4 registers: per k, two loads of the
 * packed B panel and four broadcasts of A feed eight multiplies and eight adds.
 */
export function matMul(a: usize, M: i32, K: i32, aRow: i32, aCol: i32, b: usize, N: i32, bRow: i32, bCol: i32, ws: usize, c: usize): void {
  const N8 = (N + NR - 1) & ~(NR - 1);
  const bp = ws;
  packPanels(b, K, N, bRow, bCol, bp);
  const padded = N8 !== N;
  const cp = padded ? bp + ((<usize>(K * N8)) << 2) : c;
  const ldc = (<usize>N8) << 2;
  if (K === 0) memory.fill(cp, 0, (<usize>M) * ldc);
  const aRow4 = (<usize>aRow) << 2;
  const aCol4 = (<usize>aCol) << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const first = k0 === 0;
    for (let p = 0; p < N8; p += NR) {
      const panel = bp + ((<usize>(p * K + k0 * NR)) << 2);
      const cCol = cp + ((<usize>p) << 2);
      const aK = a + (<usize>k0) * aCol4;
      let m = 0;
      for (; m + 3 < M; m += 4) block4x8(aK + (<usize>m) * aRow4, aRow4, aCol4, panel, kc, cCol + (<usize>m) * ldc, ldc, first);
      for (; m < M; m++) block1x8(aK + (<usize>m) * aRow4, aCol4, panel, kc, cCol + (<usize>m) * ldc, first);
    }
  }
  if (padded) {
    const rowBytes = (<usize>N) << 2;
    for (let m = 0; m < M; m++) memory.copy(c + (<usize>m) * rowBytes, cp + (<usize>m) * ldc, rowBytes);
  }
}

/** bp[panel][k][j] = B[k, panel·8 + j], 0 past column N − 1. */
@inline
function packPanels(b: usize, K: i32, N: i32, bRow: i32, bCol: i32, bp: usize): void {
  const bRow4 = (<usize>bRow) << 2;
  const bCol4 = (<usize>bCol) << 2;
  let dst = bp;
  for (let p = 0; p < N; p += NR) {
    const cols = min(NR, N - p);
    let src = b + (<usize>p) * bCol4;
    if (cols === NR && bCol === 1) {
      for (let k = 0; k < K; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst + 16, v128.load(src + 16));
        src += bRow4;
        dst += 32;
      }
      continue;
    }
    for (let k = 0; k < K; k++) {
      let s = src;
      for (let j = 0; j < cols; j++) {
        store<f32>(dst + ((<usize>j) << 2), load<f32>(s));
        s += bCol4;
      }
      for (let j = cols; j < NR; j++) store<f32>(dst + ((<usize>j) << 2), 0);
      src += bRow4;
      dst += 32;
    }
  }
}

@inline
function block4x8(a0: usize, aRow4: usize, aCol4: usize, panel: usize, kc: i32, c0: usize, ldc: usize, first: bool): void {
  const a1 = a0 + aRow4;
  const a2 = a1 + aRow4;
  const a3 = a2 + aRow4;
  const c1 = c0 + ldc;
  const c2 = c1 + ldc;
  const c3 = c2 + ldc;
  let s00 = f32x4.splat(0);
  let s01 = f32x4.splat(0);
  let s10 = f32x4.splat(0);
  let s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0);
  let s21 = f32x4.splat(0);
  let s30 = f32x4.splat(0);
  let s31 = f32x4.splat(0);
  if (!first) {
    s00 = v128.load(c0);
    s01 = v128.load(c0 + 16);
    s10 = v128.load(c1);
    s11 = v128.load(c1 + 16);
    s20 = v128.load(c2);
    s21 = v128.load(c2 + 16);
    s30 = v128.load(c3);
    s31 = v128.load(c3 + 16);
  }
  let o: usize = 0;
  let bq = panel;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bq);
    const b1 = v128.load(bq + 16);
    const x0 = v128.load32_splat(a0 + o);
    const x1 = v128.load32_splat(a1 + o);
    const x2 = v128.load32_splat(a2 + o);
    const x3 = v128.load32_splat(a3 + o);
    s00 = f32x4.add(s00, f32x4.mul(x0, b0));
    s01 = f32x4.add(s01, f32x4.mul(x0, b1));
    s10 = f32x4.add(s10, f32x4.mul(x1, b0));
    s11 = f32x4.add(s11, f32x4.mul(x1, b1));
    s20 = f32x4.add(s20, f32x4.mul(x2, b0));
    s21 = f32x4.add(s21, f32x4.mul(x2, b1));
    s30 = f32x4.add(s30, f32x4.mul(x3, b0));
    s31 = f32x4.add(s31, f32x4.mul(x3, b1));
    o += aCol4;
    bq += 32;
  }
  v128.store(c0, s00);
  v128.store(c0 + 16, s01);
  v128.store(c1, s10);
  v128.store(c1 + 16, s11);
  v128.store(c2, s20);
  v128.store(c2 + 16, s21);
  v128.store(c3, s30);
  v128.store(c3 + 16, s31);
}

@inline
function block1x8(a0: usize, aCol4: usize, panel: usize, kc: i32, c0: usize, first: bool): void {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  if (!first) {
    s0 = v128.load(c0);
    s1 = v128.load(c0 + 16);
  }
  let o: usize = 0;
  let bq = panel;
  for (let k = 0; k < kc; k++) {
    const x = v128.load32_splat(a0 + o);
    s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bq)));
    s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bq + 16)));
    o += aCol4;
    bq += 32;
  }
  v128.store(c0, s0);
  v128.store(c0 + 16, s1);
}
