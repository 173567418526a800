// Stride-1 2-D convolutions in float32 SIMD (forward, dx, dW), for training on the wasm
// backend (lib/src/backend/kernels/Conv2DBackpropFilter.ts has the mathematics and the choice of path).
// Arguments are byte offsets into this module's memory and sizes; arrays are float32, NHWC.

// @ts-nocheck -- AssemblyScript types (v128, usize, f32x4, load/store) are not TypeScript's.

@inline
function f32at(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}

/**
 * dW[i, j, c, o] = Σ_{n, p, q} x[n, p + i − top, q + j − left, c] · dy[n, p, q, o] (x zero outside
 * its H × W), into dw [kH, kW, C, O], which is overwritten.
 *
 * x and dy are [A, H, W, B, C] and [A, oH, oW, B, O]: the batch is A = N, B = 1 for NHWC tensors, or
 * A = 1, B = N for tensors transposed to [H, W, N, C]. The sum over (a, p, q, b) then runs in that
 * order: (n, p, q) or (p, q, n). Every entry is one sequential float32 sum in that order, whatever the
 * blocking below.
 *
 * For one output row (a, p) and one tap (i, j), the positions (q, b) whose input lies inside the image
 * are contiguous in x and in dy. They are taken in chunks that stay in L1; each (tap, 4 input channels,
 * 8 output channels) block keeps its 32 sums in eight f32x4 registers over a chunk.
 */
export function convFilterGrad(
  x: usize,
  A: i32,
  H: i32,
  W: i32,
  B: i32,
  C: i32,
  dy: usize,
  oH: i32,
  oW: i32,
  O: i32,
  kH: i32,
  kW: i32,
  top: i32,
  left: i32,
  dw: usize,
): void {
  memory.fill(dw, 0, (<usize>(kH * kW * C * O)) << 2);
  for (let a = 0; a < A; a++) {
    for (let p = 0; p < oH; p++) {
      const dyRow = f32at(dy, (a * oH + p) * oW * B * O);
      for (let i = 0; i < kH; i++) {
        const xr = p + i - top;
        if (xr < 0 || xr >= H) continue;
        const xRow = f32at(x, (a * H + xr) * W * B * C);
        for (let j = 0; j < kW; j++) {
          // Output columns q whose input column q + j − left lies inside the image.
          const q0 = max(0, left - j);
          const q1 = min(oW, W + left - j);
          if (q0 >= q1) continue;
          const tap = f32at(dw, (i * kW + j) * C * O);
          const first = q0 * B;
          const end = q1 * B;
          const shift = (j - left) * B;
          for (let t = first; t < end; t += DW_CHUNK) {
            tapRow(f32at(xRow, (t + shift) * C), C, f32at(dyRow, t * O), O, min(DW_CHUNK, end - t), tap);
          }
        }
      }
    }
  }
}

/** Positions per `tapRow` call: a chunk of x and dy (at C = O = 64, 2 × 16 KB) stays in L1 for all blocks. */
const DW_CHUNK: i32 = 64;

/** dst [H, W, N, C] = src [N, H, W, C] (the layout in which dW sums over the batch last). */
export function batchInner(src: usize, N: i32, H: i32, W: i32, C: i32, dst: usize): void {
  const bytes = (<usize>C) << 2;
  for (let n = 0; n < N; n++) {
    for (let r = 0; r < H * W; r++) {
      memory.copy(f32at(dst, (r * N + n) * C), f32at(src, (n * H * W + r) * C), bytes);
    }
  }
}

/** tap[c, o] += Σ_{t < len} xs[t·C + c] · ds[t·O + o]: one tap's update from one output row. */
@inline
function tapRow(xs: usize, C: i32, ds: usize, O: i32, len: i32, tap: usize): void {
  const xStep = (<usize>C) << 2;
  const dStep = (<usize>O) << 2;
  let c = 0;
  for (; c + 3 < C; c += 4) {
    const w0 = f32at(tap, c * O);
    const w1 = w0 + dStep;
    const w2 = w1 + dStep;
    const w3 = w2 + dStep;
    const xc = f32at(xs, c);
    let o = 0;
    for (; o + 7 < O; o += 8) {
      const ob = (<usize>o) << 2;
      let a00 = v128.load(w0 + ob);
      let a01 = v128.load(w0 + ob + 16);
      let a10 = v128.load(w1 + ob);
      let a11 = v128.load(w1 + ob + 16);
      let a20 = v128.load(w2 + ob);
      let a21 = v128.load(w2 + ob + 16);
      let a30 = v128.load(w3 + ob);
      let a31 = v128.load(w3 + ob + 16);
      let xp = xc;
      let dp = ds + ob;
      for (let t = 0; t < len; t++) {
        const d0 = v128.load(dp);
        const d1 = v128.load(dp + 16);
        const s0 = v128.load32_splat(xp);
        const s1 = v128.load32_splat(xp + 4);
        const s2 = v128.load32_splat(xp + 8);
        const s3 = v128.load32_splat(xp + 12);
        a00 = f32x4.add(a00, f32x4.mul(s0, d0));
        a01 = f32x4.add(a01, f32x4.mul(s0, d1));
        a10 = f32x4.add(a10, f32x4.mul(s1, d0));
        a11 = f32x4.add(a11, f32x4.mul(s1, d1));
        a20 = f32x4.add(a20, f32x4.mul(s2, d0));
        a21 = f32x4.add(a21, f32x4.mul(s2, d1));
        a30 = f32x4.add(a30, f32x4.mul(s3, d0));
        a31 = f32x4.add(a31, f32x4.mul(s3, d1));
        xp += xStep;
        dp += dStep;
      }
      v128.store(w0 + ob, a00);
      v128.store(w0 + ob + 16, a01);
      v128.store(w1 + ob, a10);
      v128.store(w1 + ob + 16, a11);
      v128.store(w2 + ob, a20);
      v128.store(w2 + ob + 16, a21);
      v128.store(w3 + ob, a30);
      v128.store(w3 + ob + 16, a31);
    }
    for (; o + 3 < O; o += 4) {
      const ob = (<usize>o) << 2;
      let a0 = v128.load(w0 + ob);
      let a1 = v128.load(w1 + ob);
      let a2 = v128.load(w2 + ob);
      let a3 = v128.load(w3 + ob);
      let xp = xc;
      let dp = ds + ob;
      for (let t = 0; t < len; t++) {
        const d = v128.load(dp);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xp), d));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(xp + 4), d));
        a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(xp + 8), d));
        a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(xp + 12), d));
        xp += xStep;
        dp += dStep;
      }
      v128.store(w0 + ob, a0);
      v128.store(w1 + ob, a1);
      v128.store(w2 + ob, a2);
      v128.store(w3 + ob, a3);
    }
    for (; o < O; o++) {
      for (let r = 0; r < 4; r++) scalarEntry(xc + ((<usize>r) << 2), xStep, ds + ((<usize>o) << 2), dStep, len, f32at(tap, (c + r) * O + o));
    }
  }
  for (; c < C; c++) {
    const w = f32at(tap, c * O);
    const xc = f32at(xs, c);
    let o = 0;
    for (; o + 3 < O; o += 4) {
      const ob = (<usize>o) << 2;
      let a = v128.load(w + ob);
      let xp = xc;
      let dp = ds + ob;
      for (let t = 0; t < len; t++) {
        a = f32x4.add(a, f32x4.mul(v128.load32_splat(xp), v128.load(dp)));
        xp += xStep;
        dp += dStep;
      }
      v128.store(w + ob, a);
    }
    for (; o < O; o++) scalarEntry(xc, xStep, ds + ((<usize>o) << 2), dStep, len, w + ((<usize>o) << 2));
  }
}

@inline
function scalarEntry(xp: usize, xStep: usize, dp: usize, dStep: usize, len: i32, w: usize): void {
  let a = load<f32>(w);
  for (let t = 0; t < len; t++) {
    a += load<f32>(xp) * load<f32>(dp);
    xp += xStep;
    dp += dStep;
  }
  store<f32>(w, a);
}

/**
 * out[n, p, q, o] = Σ_{i, j, c} x[n, p + i − top, q + j − left, c] · w[i, j, c, o] (x zero outside its
 * H × W): the forward pass of a stride-1 convolution, and (with the filter flipped and its channels
 * swapped) dx. x is first copied with its zero border into xp [N, oH + kH − 1, oW + kW − 1, C] (the
 * workspace), so that for a fixed filter row i the window's (j, c) run contiguously in xp and in w;
 * every entry is then one sequential float32 sum over (i, j, c) in that order.
 *
 * Blocks of 4 output positions × 8 output channels keep their 32 sums in eight f32x4 registers: per
 * (i, j, c), two loads of w and four broadcasts of x feed eight multiplies and eight adds.
 */
export function convForward(
  x: usize,
  N: i32,
  H: i32,
  W: i32,
  C: i32,
  w: usize,
  kH: i32,
  kW: i32,
  top: i32,
  left: i32,
  oH: i32,
  oW: i32,
  O: i32,
  xp: usize,
  out: usize,
): void {
  const Hp = oH + kH - 1;
  const Wp = oW + kW - 1;
  padCopy(x, N, H, W, C, top, left, Hp, Wp, xp);
  const C4 = (<usize>C) << 2;
  const O4 = (<usize>O) << 2;
  const rowStride = (<usize>(Wp * C)) << 2;
  const wRowStride = (<usize>(kW * C * O)) << 2;
  const U = kW * C;
  const P = N * oH * oW;
  // Where each output position's window starts in xp, for a chunk of positions (after xp).
  const starts = xp + ((<usize>(N * Hp * Wp * C)) << 2);
  // Output positions run flat over (n, p, q), so blocks of four continue across rows (a 7-wide row
  // would otherwise leave three single positions); a chunk's windows stay in L1/L2 for all o-blocks.
  for (let k0 = 0; k0 < P; k0 += POSITION_CHUNK) {
    const k1 = min(P, k0 + POSITION_CHUNK);
    for (let k = k0; k < k1; k++) {
      const n = k / (oH * oW);
      const r = k - n * oH * oW;
      const p = r / oW;
      const q = r - p * oW;
      store<usize>(starts + ((<usize>(k - k0)) << 2), f32at(xp, ((n * Hp + p) * Wp + q) * C));
    }
    let o = 0;
    for (; o + 7 < O; o += 8) {
      const wo = f32at(w, o);
      let k = k0;
      for (; k + 3 < k1; k += 4) {
        const sk = starts + ((<usize>(k - k0)) << 2);
        out4x8(load<usize>(sk), load<usize>(sk + 4), load<usize>(sk + 8), load<usize>(sk + 12), rowStride, kH, U, wo, O4, wRowStride, out + (<usize>k) * O4 + ((<usize>o) << 2));
      }
      for (; k < k1; k++) out1x8(load<usize>(starts + ((<usize>(k - k0)) << 2)), rowStride, kH, U, wo, O4, wRowStride, out + (<usize>k) * O4 + ((<usize>o) << 2));
    }
    for (; o + 3 < O; o += 4) {
      const wo = f32at(w, o);
      let k = k0;
      for (; k + 3 < k1; k += 4) {
        const sk = starts + ((<usize>(k - k0)) << 2);
        out4x4(load<usize>(sk), load<usize>(sk + 4), load<usize>(sk + 8), load<usize>(sk + 12), rowStride, kH, U, wo, O4, wRowStride, out + (<usize>k) * O4 + ((<usize>o) << 2));
      }
      for (; k < k1; k++) out1x4(load<usize>(starts + ((<usize>(k - k0)) << 2)), rowStride, kH, U, wo, O4, wRowStride, out + (<usize>k) * O4 + ((<usize>o) << 2));
    }
    for (; o < O; o++) {
      const wo = f32at(w, o);
      for (let k = k0; k < k1; k++) {
        const xq = load<usize>(starts + ((<usize>(k - k0)) << 2));
        let a: f32 = 0;
        for (let i = 0; i < kH; i++) {
          let xr = xq + (<usize>i) * rowStride;
          let wr = wo + (<usize>i) * wRowStride;
          for (let u = 0; u < U; u++) {
            a += load<f32>(xr) * load<f32>(wr);
            xr += 4;
            wr += O4;
          }
        }
        store<f32>(out + (<usize>k) * O4 + ((<usize>o) << 2), a);
      }
    }
  }
}

/** Output positions per chunk of `convForward` (their window starts take 4 bytes each after xp). */
const POSITION_CHUNK: i32 = 64;

/** Bytes of `convForward`'s workspace: the padded input and the chunk's window starts. */
export function convForwardWorkspaceBytes(N: i32, C: i32, kH: i32, kW: i32, oH: i32, oW: i32): i32 {
  return N * (oH + kH - 1) * (oW + kW - 1) * C * 4 + POSITION_CHUNK * 4;
}

/** xp[n, r, s, c] = x[n, r − top, s − left, c] inside x, 0 outside (the zero border of the convolution). */
@inline
function padCopy(x: usize, N: i32, H: i32, W: i32, C: i32, top: i32, left: i32, Hp: i32, Wp: i32, xp: usize): void {
  const rowBytes = (<usize>(Wp * C)) << 2;
  // The input columns that land inside xp (a 'valid' convolution may not use the last ones).
  const s0 = max(0, left);
  const s1 = min(Wp, W + left);
  for (let n = 0; n < N; n++) {
    for (let r = 0; r < Hp; r++) {
      const dst = f32at(xp, (n * Hp + r) * Wp * C);
      const xr = r - top;
      if (xr < 0 || xr >= H || s0 >= s1) {
        memory.fill(dst, 0, rowBytes);
        continue;
      }
      if (s0 > 0) memory.fill(dst, 0, (<usize>(s0 * C)) << 2);
      memory.copy(dst + ((<usize>(s0 * C)) << 2), f32at(x, ((n * H + xr) * W + s0 - left) * C), (<usize>((s1 - s0) * C)) << 2);
      if (s1 < Wp) memory.fill(dst + ((<usize>(s1 * C)) << 2), 0, (<usize>((Wp - s1) * C)) << 2);
    }
  }
}

@inline
function out4x8(x0: usize, x1: usize, x2: usize, x3: usize, rowStride: usize, kH: i32, U: i32, wo: usize, O4: usize, wRowStride: usize, dst: usize): void {
  let a00 = f32x4.splat(0);
  let a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0);
  let a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0);
  let a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0);
  let a31 = f32x4.splat(0);
  for (let i = 0; i < kH; i++) {
    const ri = (<usize>i) * rowStride;
    let y0 = x0 + ri;
    let y1 = x1 + ri;
    let y2 = x2 + ri;
    let y3 = x3 + ri;
    let wr = wo + (<usize>i) * wRowStride;
    for (let u = 0; u < U; u++) {
      const d0 = v128.load(wr);
      const d1 = v128.load(wr + 16);
      const s0 = v128.load32_splat(y0);
      const s1 = v128.load32_splat(y1);
      const s2 = v128.load32_splat(y2);
      const s3 = v128.load32_splat(y3);
      a00 = f32x4.add(a00, f32x4.mul(s0, d0));
      a01 = f32x4.add(a01, f32x4.mul(s0, d1));
      a10 = f32x4.add(a10, f32x4.mul(s1, d0));
      a11 = f32x4.add(a11, f32x4.mul(s1, d1));
      a20 = f32x4.add(a20, f32x4.mul(s2, d0));
      a21 = f32x4.add(a21, f32x4.mul(s2, d1));
      a30 = f32x4.add(a30, f32x4.mul(s3, d0));
      a31 = f32x4.add(a31, f32x4.mul(s3, d1));
      y0 += 4;
      y1 += 4;
      y2 += 4;
      y3 += 4;
      wr += O4;
    }
  }
  v128.store(dst, a00);
  v128.store(dst + 16, a01);
  v128.store(dst + O4, a10);
  v128.store(dst + O4 + 16, a11);
  v128.store(dst + 2 * O4, a20);
  v128.store(dst + 2 * O4 + 16, a21);
  v128.store(dst + 3 * O4, a30);
  v128.store(dst + 3 * O4 + 16, a31);
}

@inline
function out1x8(xq: usize, rowStride: usize, kH: i32, U: i32, wo: usize, O4: usize, wRowStride: usize, dst: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  for (let i = 0; i < kH; i++) {
    let xr = xq + (<usize>i) * rowStride;
    let wr = wo + (<usize>i) * wRowStride;
    for (let u = 0; u < U; u++) {
      const s = v128.load32_splat(xr);
      a0 = f32x4.add(a0, f32x4.mul(s, v128.load(wr)));
      a1 = f32x4.add(a1, f32x4.mul(s, v128.load(wr + 16)));
      xr += 4;
      wr += O4;
    }
  }
  v128.store(dst, a0);
  v128.store(dst + 16, a1);
}

@inline
function out4x4(x0: usize, x1: usize, x2: usize, x3: usize, rowStride: usize, kH: i32, U: i32, wo: usize, O4: usize, wRowStride: usize, dst: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0);
  for (let i = 0; i < kH; i++) {
    const ri = (<usize>i) * rowStride;
    let y0 = x0 + ri;
    let y1 = x1 + ri;
    let y2 = x2 + ri;
    let y3 = x3 + ri;
    let wr = wo + (<usize>i) * wRowStride;
    for (let u = 0; u < U; u++) {
      const d = v128.load(wr);
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(y0), d));
      a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(y1), d));
      a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(y2), d));
      a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(y3), d));
      y0 += 4;
      y1 += 4;
      y2 += 4;
      y3 += 4;
      wr += O4;
    }
  }
  v128.store(dst, a0);
  v128.store(dst + O4, a1);
  v128.store(dst + 2 * O4, a2);
  v128.store(dst + 3 * O4, a3);
}

@inline
function out1x4(xq: usize, rowStride: usize, kH: i32, U: i32, wo: usize, O4: usize, wRowStride: usize, dst: usize): void {
  let a = f32x4.splat(0);
  for (let i = 0; i < kH; i++) {
    let xr = xq + (<usize>i) * rowStride;
    let wr = wo + (<usize>i) * wRowStride;
    for (let u = 0; u < U; u++) {
      a = f32x4.add(a, f32x4.mul(v128.load32_splat(xr), v128.load(wr)));
      xr += 4;
      wr += O4;
    }
  }
  v128.store(dst, a);
}
