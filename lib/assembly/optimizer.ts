// The Adam update in float32 SIMD, one pass over a parameter (lib/src/backend/kernels/AdamUpdate.ts).
// Arguments are byte offsets into the memory this module imports (tfjs-wasm's heap), lengths and the
// update's float32 constants.

// @ts-nocheck -- AssemblyScript types (v128, usize, f32x4, load/store) are not TypeScript's.

/**
 * For i < n, with g' = g + w·wd when `decay` (else g):
 *   m' = m·b1 + g'·c1,  v' = v·b2 + (g'·g')·c2,  w' = w − (m' / (√(v' / bc2) + eps))·step,
 * each operation rounded to float32 in this order: the operations, one tensor op each, of
 * Optimizer.apply's Adam (lib/src/train/Optimizer.ts), so the bits are those of the op-by-op update.
 * Outputs may not alias inputs.
 */
export function adamUpdate(
  n: i32,
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  decay: i32,
  wd: f32,
  b1: f32,
  c1: f32,
  b2: f32,
  c2: f32,
  bc2: f32,
  eps: f32,
  step: f32,
  wOut: usize,
  mOut: usize,
  vOut: usize,
): void {
  const WD = f32x4.splat(wd);
  const B1 = f32x4.splat(b1);
  const C1 = f32x4.splat(c1);
  const B2 = f32x4.splat(b2);
  const C2 = f32x4.splat(c2);
  const BC2 = f32x4.splat(bc2);
  const EPS = f32x4.splat(eps);
  const STEP = f32x4.splat(step);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    let gi = v128.load(g + o);
    if (decay) gi = f32x4.add(gi, f32x4.mul(wi, WD));
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), B1), f32x4.mul(gi, C1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), B2), f32x4.mul(f32x4.mul(gi, gi), C2));
    const denom = f32x4.add(f32x4.sqrt(f32x4.div(vi, BC2)), EPS);
    v128.store(wOut + o, f32x4.sub(wi, f32x4.mul(f32x4.div(mi, denom), STEP)));
    v128.store(mOut + o, mi);
    v128.store(vOut + o, vi);
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    let gi = load<f32>(g + o);
    if (decay) gi = gi + wi * wd;
    const mi = load<f32>(m + o) * b1 + gi * c1;
    const vi = load<f32>(v + o) * b2 + gi * gi * c2;
    const denom = Mathf.sqrt(vi / bc2) + eps;
    store<f32>(wOut + o, wi - (mi / denom) * step);
    store<f32>(mOut + o, mi);
    store<f32>(vOut + o, vi);
  }
}
