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
  // Working layouts are transposed (K × P, K × d) so that every inner loop runs over the long
  // index (P or d) rather than over K, which is 1–5 in practice.
  const cT = new Float64Array(K * P); // c = XV, stored cT[k·P + m]
  const vT = new Float64Array(K * d);
  const ir = new Float64Array(P); // 1 / r_m
  const row = new Float64Array(P);
  const bcT = new Float64Array(K * P);
  const gT = new Float64Array(K * d);

  // cT (and ir) hold the image of this point, so the CG's next costAndGrad/begin can skip a product.
  let cachedFor: Float64Array | null = null;

  const project = (v: Float64Array): void => {
    if (v === cachedFor) return;
    cachedFor = v;
    for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) vT[k * d + i] = v[i * K + k];
    for (let k = 0; k < K; k++) {
      const vk = k * d;
      const ck = k * P;
      for (let m = 0; m < P; m++) {
        const om = m * d;
        let s = 0;
        for (let i = 0; i < d; i++) s += coords[om + i] * vT[vk + i];
        cT[ck + m] = s;
      }
    }
    for (let m = 0; m < P; m++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += cT[k * P + m] * cT[k * P + m];
      ir[m] = 1 / (G[m * P + m] - s);
    }
  };

  /** row[n] = A_mn = G_mn − c_m·c_n for n < m. */
  const fillRow = (m: number): void => {
    const om = m * P;
    for (let n = 0; n < m; n++) row[n] = G[om + n];
    for (let k = 0; k < K; k++) {
      const ck = k * P;
      const cmk = cT[ck + m];
      for (let n = 0; n < m; n++) row[n] -= cmk * cT[ck + n];
    }
  };

  // Line-search evaluations dominate the calls: one pass over n < m, nothing stored.
  const cost = (v: Float64Array): number => {
    project(v);
    let off = 0;
    for (let m = 1; m < P; m++) {
      fillRow(m);
      let acc = 0;
      for (let n = 0; n < m; n++) acc += row[n] * row[n] * ir[n];
      off += acc * ir[m];
    }
    // Diagonal terms are A_mm²/r_m² = 1 each.
    return (P + 2 * off) / 2;
  };

  // Lower triangle of A (row m at aLow[m·P ..], n < m), valid for the point `lowFor`: the line
  // search leaves it behind for the accepted step, so the gradient need not rebuild it.
  const aLow = new Float64Array(P * P);
  let lowFor: Float64Array | null = null;
  const tAcc = new Float64Array(P);

  const costAndGrad = (v: Float64Array, egrad: Float64Array): number => {
    const haveLow = v === lowFor && v === cachedFor;
    project(v);
    // One pass over the pairs n < m using the symmetry of A and W:
    //   t_m = Σ_n A_mn² ir_n (then b_m = ir_m² t_m and F = ½ Σ_m ir_m t_m),
    //   (Wc)_m = Σ_n A_mn ir_m ir_n c_n; the diagonal terms are added afterwards.
    tAcc.fill(0);
    bcT.fill(0);
    for (let m = 1; m < P; m++) {
      if (haveLow) row.set(aLow.subarray(m * P, m * P + m));
      else fillRow(m);
      const irm = ir[m];
      let tm = 0;
      for (let n = 0; n < m; n++) {
        const a = row[n];
        const wn = a * ir[n]; // A_mn ir_n
        tm += a * wn;
        tAcc[n] += a * a * irm;
        row[n] = wn;
      }
      tAcc[m] += tm;
      // (Wc)_m += ir_m Σ_{n<m} A_mn ir_n c_n ; (Wc)_n += ir_n A_mn ir_m c_m
      for (let k = 0; k < K; k++) {
        const ck = k * P;
        const cmk = cT[ck + m] * irm;
        let s = 0;
        for (let n = 0; n < m; n++) {
          const wn = row[n];
          s += wn * cT[ck + n];
          bcT[ck + n] += wn * cmk;
        }
        bcT[ck + m] += s * irm;
      }
    }
    let f = 0;
    for (let m = 0; m < P; m++) {
      const irm = ir[m];
      // Diagonal: A_mm = r_m, so it adds r_m to t_m (A_mm² ir_m) and ir_m c_m to (Wc)_m.
      const tm = tAcc[m] + 1 / irm;
      f += tm * irm;
      const bm = tm * irm * irm; // b_m = Σ_n A_mn² / (r_m² r_n)
      for (let k = 0; k < K; k++) {
        const ck = k * P;
        bcT[ck + m] += cT[ck + m] * irm - bm * cT[ck + m];
      }
    }
    // egrad = −2 Xᵀ (B c)
    gT.fill(0);
    for (let k = 0; k < K; k++) {
      const gk = k * d;
      const ck = k * P;
      for (let m = 0; m < P; m++) {
        const b = -2 * bcT[ck + m];
        const om = m * d;
        for (let i = 0; i < d; i++) gT[gk + i] += b * coords[om + i];
      }
    }
    for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) egrad[i * K + k] = gT[k * d + i];
    return f / 2;
  };

  // Line search: c at (V + αD)R⁻¹ is (XV + αXD)R⁻¹, so trial steps cost P·K² instead of P·d·K.
  const cxT = new Float64Array(K * P);
  const cdT = new Float64Array(K * P);
  const image = (v: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) vT[k * d + i] = v[i * K + k];
    for (let k = 0; k < K; k++) {
      for (let m = 0; m < P; m++) {
        const om = m * d;
        let s = 0;
        for (let i = 0; i < d; i++) s += coords[om + i] * vT[k * d + i];
        out[k * P + m] = s;
      }
    }
  };
  const line = {
    begin(v: Float64Array, dir: Float64Array): void {
      if (v === cachedFor) cxT.set(cT);
      else image(v, cxT);
      image(dir, cdT);
    },
    accept(v: Float64Array): void {
      cachedFor = v; // the last costAt was at the accepted step, whose point is v
      lowFor = v;
    },
    costAt(alpha: number, rInv: Float64Array): number {
      cachedFor = null;
      lowFor = null;
      // cT[c] = Σ_{a ≤ c} (cx[a] + α cd[a]) rInv[a, c]
      for (let c = 0; c < K; c++) {
        const out = c * P;
        for (let m = 0; m < P; m++) cT[out + m] = 0;
        for (let a = 0; a <= c; a++) {
          const w = rInv[a * K + c];
          const ia = a * P;
          for (let m = 0; m < P; m++) cT[out + m] += (cxT[ia + m] + alpha * cdT[ia + m]) * w;
        }
      }
      for (let m = 0; m < P; m++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += cT[k * P + m] * cT[k * P + m];
        ir[m] = 1 / (G[m * P + m] - s);
      }
      let off = 0;
      for (let m = 1; m < P; m++) {
        fillRow(m);
        aLow.set(row.subarray(0, m), m * P);
        let acc = 0;
        for (let n = 0; n < m; n++) acc += row[n] * row[n] * ir[n];
        off += acc * ir[m];
      }
      return (P + 2 * off) / 2;
    },
  };

  return { n: d, k: K, cost, costAndGrad, line };
}
