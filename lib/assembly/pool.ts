// The gradient of 2 × 2 / stride 2 max pooling in float32 SIMD (lib/src/backend/kernels/MaxPoolGrad.ts).
// Arguments are byte offsets into the memory this module imports (tfjs-wasm's heap) and sizes.

// @ts-nocheck -- AssemblyScript types (v128, usize, f32x4, load/store) are not TypeScript's.

/**
 * dx [N, H, W, C] from x and dy [N, oH, oW, C] of a 2 × 2, stride-2, unpadded max pooling (2·oH ≤ H,
 * 2·oW ≤ W): each window sends its dy to the first of its four positions (row-major) that holds the
 * strict maximum; a window with nothing above −∞ (all −∞ or NaN) sends nothing. dx is 0 everywhere
 * else. Four channels at a time, the winner kept as lane masks: the same choice as the scalar rule,
 * and the dy bits are moved, not computed.
 */
export function maxPool2x2Grad(x: usize, dy: usize, N: i32, H: i32, W: i32, C: i32, oH: i32, oW: i32, dx: usize): void {
  memory.fill(dx, 0, (<usize>(N * H * W * C)) << 2);
  const C4 = (<usize>C) << 2;
  const row = (<usize>(W * C)) << 2;
  const NEG = f32x4.splat(-Infinity);
  let g = dy;
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < oH; p++) {
      for (let q = 0; q < oW; q++) {
        const o00 = (<usize>(((n * H + 2 * p) * W + 2 * q) * C)) << 2;
        const o01 = o00 + C4;
        const o10 = o00 + row;
        const o11 = o10 + C4;
        let c = 0;
        for (; c + 3 < C; c += 4) {
          const b = (<usize>c) << 2;
          const v00 = v128.load(x + o00 + b);
          const v01 = v128.load(x + o01 + b);
          const v10 = v128.load(x + o10 + b);
          const v11 = v128.load(x + o11 + b);
          const m0 = f32x4.gt(v00, NEG);
          let best = v128.bitselect(v00, NEG, m0);
          const m1 = f32x4.gt(v01, best);
          best = v128.bitselect(v01, best, m1);
          const m2 = f32x4.gt(v10, best);
          best = v128.bitselect(v10, best, m2);
          const m3 = f32x4.gt(v11, best);
          // The last position whose test passed is the first strict maximum.
          const w2 = v128.andnot(m2, m3);
          const w1 = v128.andnot(v128.andnot(m1, m2), m3);
          const w0 = v128.andnot(v128.andnot(v128.andnot(m0, m1), m2), m3);
          const gv = v128.load(g + b);
          v128.store(dx + o00 + b, v128.and(gv, w0));
          v128.store(dx + o01 + b, v128.and(gv, w1));
          v128.store(dx + o10 + b, v128.and(gv, w2));
          v128.store(dx + o11 + b, v128.and(gv, m3));
        }
        for (; c < C; c++) {
          const b = (<usize>c) << 2;
          let best: f32 = -Infinity;
          let at: usize = 0;
          let v = load<f32>(x + o00 + b);
          if (v > best) {
            best = v;
            at = o00 + b + 1;
          }
          v = load<f32>(x + o01 + b);
          if (v > best) {
            best = v;
            at = o01 + b + 1;
          }
          v = load<f32>(x + o10 + b);
          if (v > best) {
            best = v;
            at = o10 + b + 1;
          }
          v = load<f32>(x + o11 + b);
          if (v > best) at = o11 + b + 1;
          if (at !== 0) store<f32>(dx + at - 1, load<f32>(g + b));
        }
        g += C4;
      }
    }
  }
}
