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
 * LAPACK dlarfg: β = −sign(α)·‖(α, x)‖, τ = (β − α)/β, v = x/(α − β); τ = 0 when x = 0.
 */
export function householderQrInPlace(a: Float64Array, rows: number, cols: number): HouseholderQr {
  const k = Math.min(rows, cols);
  const tau = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const cj = j * rows;
    const alpha = a[cj + j];
    let xnorm2 = 0;
    for (let i = j + 1; i < rows; i++) xnorm2 += a[cj + i] * a[cj + i];
    if (xnorm2 === 0) {
      tau[j] = 0;
      continue;
    }
    const norm = Math.sqrt(alpha * alpha + xnorm2);
    // Fortran SIGN(norm, alpha): +norm for alpha >= 0 (including +0), so beta = -norm there.
    const beta = alpha >= 0 ? -norm : norm;
    const t = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = j + 1; i < rows; i++) a[cj + i] *= scale;
    a[cj + j] = beta;
    tau[j] = t;
    // Apply H_j = I − τ v vᵀ to the trailing columns, four at a time (one pass over v for all four).
    let c = j + 1;
    for (; c + 3 < cols; c += 4) {
      const c0 = c * rows;
      const c1 = c0 + rows;
      const c2 = c1 + rows;
      const c3 = c2 + rows;
      let w0 = a[c0 + j];
      let w1 = a[c1 + j];
      let w2 = a[c2 + j];
      let w3 = a[c3 + j];
      for (let i = j + 1; i < rows; i++) {
        const v = a[cj + i];
        w0 += v * a[c0 + i];
        w1 += v * a[c1 + i];
        w2 += v * a[c2 + i];
        w3 += v * a[c3 + i];
      }
      w0 *= t;
      w1 *= t;
      w2 *= t;
      w3 *= t;
      a[c0 + j] -= w0;
      a[c1 + j] -= w1;
      a[c2 + j] -= w2;
      a[c3 + j] -= w3;
      for (let i = j + 1; i < rows; i++) {
        const v = a[cj + i];
        a[c0 + i] -= w0 * v;
        a[c1 + i] -= w1 * v;
        a[c2 + i] -= w2 * v;
        a[c3 + i] -= w3 * v;
      }
    }
    for (; c < cols; c++) {
      const cc = c * rows;
      let w = a[cc + j];
      for (let i = j + 1; i < rows; i++) w += a[cj + i] * a[cc + i];
      w *= t;
      a[cc + j] -= w;
      for (let i = j + 1; i < rows; i++) a[cc + i] -= w * a[cj + i];
    }
  }
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

/** The economic Q (rows × k, column-major), as LAPACK dorgqr would form it. */
export function qrQ(f: HouseholderQr): Float64Array {
  const k = Math.min(f.rows, f.cols);
  const q = new Float64Array(f.rows * k);
  const y = new Float64Array(f.rows);
  for (let c = 0; c < k; c++) {
    y.fill(0);
    y[c] = 1;
    applyQ(f, y);
    q.set(y, c * f.rows);
  }
  return q;
}
