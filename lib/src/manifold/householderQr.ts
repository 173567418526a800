import { SimdHeap, withScratchHeap } from '../simd/kernels';

/*
 * Householder QR with LAPACK's conventions (dgeqr2/dlarfg), so that R carries the same signs as
 * scipy.linalg.qr / numpy.linalg.qr on the same matrix. The reference's per-manifold reduction
 * (docs/mftma.md §3 step 3) replaces U_i by QᵀU_i, which is exactly the triangular factor R; fixed
 * t-vectors only reproduce the reference when R has scipy's sign pattern (docs/mftma.md §9).
 *
 * Storage is column-major: column j of an (rows × cols) matrix is a[j*rows .. j*rows+rows). This is
 * the natural layout for manifold points stored sample-major (each point is one column).
 */

/** A QR factorisation in LAPACK's compact form (`householderQrInPlace`). */
export interface HouseholderQr {
  rows: number;
  cols: number;
  /** Column-major; R in the upper triangle, the reflectors' tails (v with implicit v₀ = 1) below it. */
  qr: Float64Array;
  /** Reflector scalars τ_j (H_j = I − τ_j v_j v_jᵀ); length min(rows, cols). */
  tau: Float64Array;
}

/**
 * Factor A = QR in place (A is overwritten by the compact factorisation and returned in `qr`).
 * LAPACK dlarfg: β = −sign(α)·‖(α, x)‖ (Fortran SIGN: −‖·‖ for α ≥ 0, +0 included), τ = (β − α)/β,
 * v = x/(α − β); τ = 0 when x = 0; each H_j = I − τ v vᵀ is applied to the trailing columns. The
 * loops run in the SIMD kernel `householderQr` on a copy of A.
 */
export function householderQrInPlace(a: Float64Array, rows: number, cols: number): HouseholderQr {
  const k = Math.min(rows, cols);
  const tau = new Float64Array(k);
  withScratchHeap(SimdHeap.bytesFor([rows * cols, k]), (heap) => {
    const m = heap.f64(rows * cols);
    const t = heap.f64(k);
    m.view.set(a.subarray(0, rows * cols));
    heap.kernels.householderQr(m.ptr, rows, cols, t.ptr);
    a.set(m.view);
    tau.set(t.view);
  });
  return { rows, cols, qr: a, tau };
}

/** Householder QR of a copy of A (column-major rows × cols). */
export function householderQr(a: Float64Array, rows: number, cols: number): HouseholderQr {
  return householderQrInPlace(Float64Array.from(a), rows, cols);
}

/** The k × cols upper-triangular factor R (k = min(rows, cols)), column-major k × cols. */
export function qrR(f: HouseholderQr): Float64Array {
  const k = Math.min(f.rows, f.cols);
  const r = new Float64Array(k * f.cols);
  for (let c = 0; c < f.cols; c++) {
    const top = Math.min(c, k - 1);
    for (let i = 0; i <= top; i++) r[c * k + i] = f.qr[c * f.rows + i];
  }
  return r;
}

/**
 * y ← Q·y for a vector y of length `rows` whose entries beyond the first k are whatever the caller
 * put there (usually zero, to apply the economic Q to a k-vector): Q = H_0 H_1 … H_{k−1}.
 */
export function applyQ(f: HouseholderQr, y: Float64Array): void {
  const { rows, qr, tau } = f;
  for (let j = tau.length - 1; j >= 0; j--) {
    const t = tau[j];
    if (t === 0) continue;
    const cj = j * rows;
    let w = y[j];
    for (let i = j + 1; i < rows; i++) w += qr[cj + i] * y[i];
    w *= t;
    y[j] -= w;
    for (let i = j + 1; i < rows; i++) y[i] -= w * qr[cj + i];
  }
}

/** The economic Q (rows × k, column-major), as LAPACK dorgqr would form it: column c = Q e_c (SIMD kernel `householderQ`). */
export function qrQ(f: HouseholderQr): Float64Array {
  const { rows, cols, qr, tau } = f;
  const k = Math.min(rows, cols);
  return withScratchHeap(SimdHeap.bytesFor([rows * cols, k, rows * k]), (heap) => {
    const m = heap.f64(rows * cols);
    const t = heap.f64(k);
    const q = heap.f64(rows * k);
    m.view.set(qr.subarray(0, rows * cols));
    t.view.set(tau);
    heap.kernels.householderQ(m.ptr, rows, cols, t.ptr, q.ptr);
    return Float64Array.from(q.view);
  });
}
