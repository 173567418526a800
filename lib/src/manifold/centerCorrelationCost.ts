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
  const r = new Float64Array(P);
  const bc = new Float64Array(P * K);
  const A = new Float64Array(P * P);

  const residuals = (v: Float64Array): void => {
    for (let m = 0; m < P; m++) {
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let i = 0; i < d; i++) s += coords[m * d + i] * v[i * K + k];
        c[m * K + k] = s;
      }
    }
    for (let m = 0; m < P; m++) {
      for (let n = 0; n <= m; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += c[m * K + k] * c[n * K + k];
        const a = G[m * P + n] - s;
        A[m * P + n] = a;
        A[n * P + m] = a;
      }
      r[m] = A[m * P + m];
    }
  };

  const cost = (v: Float64Array): number => {
    residuals(v);
    let f = 0;
    for (let m = 0; m < P; m++) {
      for (let n = 0; n < P; n++) {
        const a = A[m * P + n];
        f += (a * a) / (r[m] * r[n]);
      }
    }
    return f / 2;
  };

  const costAndGrad = (v: Float64Array, egrad: Float64Array): number => {
    residuals(v);
    let f = 0;
    // B = W − diag(b) overwrites A row by row after its contribution to F and b is taken.
    for (let m = 0; m < P; m++) {
      let bm = 0;
      for (let n = 0; n < P; n++) {
        const a = A[m * P + n];
        const q = (a * a) / (r[m] * r[n]);
        f += q;
        bm += q / r[m];
      }
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let n = 0; n < P; n++) s += (A[m * P + n] / (r[m] * r[n])) * c[n * K + k];
        bc[m * K + k] = s - bm * c[m * K + k];
      }
    }
    for (let i = 0; i < d; i++) {
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let m = 0; m < P; m++) s += coords[m * d + i] * bc[m * K + k];
        egrad[i * K + k] = -2 * s;
      }
    }
    return f / 2;
  };

  return { n: d, k: K, cost, costAndGrad };
}
