import type { StiefelProblem } from './stiefelConjugateGradient';

/**
 * The reference's `square_corrcoeff_full_cost` (mftma.md §2) as a problem on St(d, K):
 *
 *   G = XXᵀ, c = XV, A = G − ccᵀ, r_m = A_mm (squared norm of x_m's residual after removing span V),
 *   F(V) = ½ Σ_{m,n} A_mn² / (r_m r_n) = ½ [P + Σ_{m≠n} cos²(res_m, res_n)].
 *
 * The reference differentiates F with autograd; the gradient here is analytic. With
 * W_mn = A_mn/(r_m r_n) and b_m = Σ_n A_mn²/(r_m² r_n), dF = ⟨W − diag(b), dA⟩ and
 * dA = −X(dV Vᵀ + V dVᵀ)Xᵀ, so ∇_V F = −2 Xᵀ (W − diag(b)) X V.
 *
 * @param coords X, P × d row-major (centred centres in the basis).
 */
export function centerCorrelationCost(coords: Float64Array, P: number, d: number, K: number): StiefelProblem {
  const G = new Float64Array(P * P);
  for (let m = 0; m < P; m++) {
    for (let n = 0; n <= m; n++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += coords[m * d + i] * coords[n * d + i];
      G[m * P + n] = s;
      G[n * P + m] = s;
    }
  }
  const c = new Float64Array(P * K);
  const ir = new Float64Array(P); // 1 / r_m
  const bc = new Float64Array(P * K);
  const A = new Float64Array(P * P);
  const wRow = new Float64Array(P);

  const residuals = (v: Float64Array): void => {
    c.fill(0);
    for (let m = 0; m < P; m++) {
      const om = m * d;
      const cm = m * K;
      for (let i = 0; i < d; i++) {
        const x = coords[om + i];
        const vi = i * K;
        for (let k = 0; k < K; k++) c[cm + k] += x * v[vi + k];
      }
    }
    for (let m = 0; m < P; m++) {
      const cm = m * K;
      for (let n = 0; n <= m; n++) {
        const cn = n * K;
        let s = 0;
        for (let k = 0; k < K; k++) s += c[cm + k] * c[cn + k];
        const a = G[m * P + n] - s;
        A[m * P + n] = a;
        A[n * P + m] = a;
      }
      ir[m] = 1 / A[m * P + m];
    }
  };

  // Line-search evaluations dominate the calls: one pass over n ≤ m, without storing A.
  const cost = (v: Float64Array): number => {
    c.fill(0);
    for (let m = 0; m < P; m++) {
      const om = m * d;
      const cm = m * K;
      for (let i = 0; i < d; i++) {
        const x = coords[om + i];
        const vi = i * K;
        for (let k = 0; k < K; k++) c[cm + k] += x * v[vi + k];
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += c[cm + k] * c[cm + k];
      ir[m] = 1 / (G[m * P + m] - s);
    }
    let off = 0;
    for (let m = 0; m < P; m++) {
      const cm = m * K;
      const om = m * P;
      let row = 0;
      for (let n = 0; n < m; n++) {
        const cn = n * K;
        let s = 0;
        for (let k = 0; k < K; k++) s += c[cm + k] * c[cn + k];
        const a = G[om + n] - s;
        row += a * a * ir[n];
      }
      off += row * ir[m];
    }
    // Diagonal terms are A_mm²/r_m² = 1 each.
    return (P + 2 * off) / 2;
  };

  const costAndGrad = (v: Float64Array, egrad: Float64Array): number => {
    residuals(v);
    let f = 0;
    bc.fill(0);
    for (let m = 0; m < P; m++) {
      const om = m * P;
      const irm = ir[m];
      let bm = 0;
      for (let n = 0; n < P; n++) {
        const w = A[om + n] * irm * ir[n]; // W_mn
        wRow[n] = w;
        bm += w * A[om + n];
      }
      f += bm;
      bm *= irm; // b_m = Σ_n A_mn² / (r_m² r_n)
      const cm = m * K;
      for (let n = 0; n < P; n++) {
        const w = wRow[n];
        const cn = n * K;
        for (let k = 0; k < K; k++) bc[cm + k] += w * c[cn + k];
      }
      for (let k = 0; k < K; k++) bc[cm + k] -= bm * c[cm + k];
    }
    egrad.fill(0);
    for (let m = 0; m < P; m++) {
      const om = m * d;
      const cm = m * K;
      for (let i = 0; i < d; i++) {
        const x = -2 * coords[om + i];
        const gi = i * K;
        for (let k = 0; k < K; k++) egrad[gi + k] += x * bc[cm + k];
      }
    }
    return f / 2;
  };

  return { n: d, k: K, cost, costAndGrad };
}
