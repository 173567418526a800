/**
 * Upper-triangular R with RᵀR = G for a symmetric n × n matrix G (row-major), R row-major
 * (R_jc at r[j·n + c]), by rows: R_jj = sqrt(G_jj − Σ_{i<j} R_ij²), R_jc = (G_jc − Σ_{i<j} R_ij R_ic) / R_jj.
 *
 * - Positive definite (no `semidefiniteTol`): returns null as soon as a pivot is not positive (the
 *   line search's retraction treats that as "no step").
 * - Semidefinite (`semidefiniteTol` ≥ 0): a pivot ≤ the tolerance gives a zero row, so RᵀR = G still
 *   holds up to rounding for a rank-deficient G (the Gram reduction of centred points).
 */
export function upperCholesky(g: Float64Array, n: number, semidefiniteTol?: number): Float64Array | null {
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let v = g[j * n + j];
    for (let i = 0; i < j; i++) v -= r[i * n + j] * r[i * n + j];
    if (semidefiniteTol === undefined) {
      if (!(v > 0)) return null;
    } else if (!(v > semidefiniteTol)) continue;
    const rjj = Math.sqrt(v);
    r[j * n + j] = rjj;
    for (let c = j + 1; c < n; c++) {
      let w = g[j * n + c];
      for (let i = 0; i < j; i++) w -= r[i * n + j] * r[i * n + c];
      r[j * n + c] = w / rjj;
    }
  }
  return r;
}
