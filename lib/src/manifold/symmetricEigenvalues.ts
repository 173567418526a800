/**
 * Eigenvalues of a real symmetric matrix: Householder tridiagonalisation followed by the implicit
 * QL iteration with Wilkinson-style shifts (the EISPACK tred2/tql1 pair, eigenvalues only).
 * Used for the centre SVD fractions (maxK rule, docs/mftma.md §2) and the all-data dimension (§5), where
 * only singular values are needed and they are the square roots of a Gram matrix's eigenvalues.
 *
 * @param a  n × n symmetric, row-major; only the lower triangle is read. Not modified.
 * @returns  the n eigenvalues in descending order.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  if (a.length < n * n) throw new Error(`symmetricEigenvalues: need ${n * n} entries, got ${a.length}`);
  const m = Float64Array.from(a.subarray(0, n * n));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // Householder reduction to tridiagonal form (lower triangle, row i reduced against rows < i).
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(m[i * n + k]);
      if (scale === 0) {
        e[i] = m[i * n + l];
      } else {
        for (let k = 0; k <= l; k++) {
          m[i * n + k] /= scale;
          h += m[i * n + k] * m[i * n + k];
        }
        let f = m[i * n + l];
        const g0 = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g0;
        h -= f * g0;
        m[i * n + l] = f - g0;
        f = 0;
        for (let j = 0; j <= l; j++) {
          let g = 0;
          for (let k = 0; k <= j; k++) g += m[j * n + k] * m[i * n + k];
          for (let k = j + 1; k <= l; k++) g += m[k * n + j] * m[i * n + k];
          e[j] = g / h;
          f += e[j] * m[i * n + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          const fj = m[i * n + j];
          const gj = e[j] - hh * fj;
          e[j] = gj;
          for (let k = 0; k <= j; k++) m[j * n + k] -= fj * e[k] + gj * m[i * n + k];
        }
      }
    } else {
      e[i] = m[i * n + l];
    }
    d[i] = h;
  }
  for (let i = 0; i < n; i++) d[i] = m[i * n + i];
  // Implicit QL on the tridiagonal (d, e).
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let mm: number;
    do {
      for (mm = l; mm < n - 1; mm++) {
        const dd = Math.abs(d[mm]) + Math.abs(d[mm + 1]);
        if (Math.abs(e[mm]) <= Number.EPSILON * dd) break;
      }
      if (mm !== l) {
        if (iter++ === 200) throw new Error('symmetricEigenvalues: QL iteration did not converge');
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[mm] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        let underflow = false;
        for (i = mm - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= p;
            e[mm] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) continue;
        d[l] -= p;
        e[l] = g;
        e[mm] = 0;
      }
    } while (mm !== l);
  }
  return d.sort().reverse();
}
