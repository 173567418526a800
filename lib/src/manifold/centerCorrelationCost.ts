import type { StiefelProblem } from './stiefelConjugateGradient';
import { gramOfRows } from './gramOfRows';

/**
 * The reference's `square_corrcoeff_full_cost` (docs/mftma.md §2) as a problem on St(d, K):
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
  return new CenterCorrelationCost(coords, P, d, K);
}

/**
 * The cost as a class rather than closures: every restart builds a new problem, and closures would be
 * new call targets each time, so the optimised CG code would deoptimise ("wrong call target") at the
 * start of each restart in every worker; prototype methods are one target for all restarts.
 */
class CenterCorrelationCost implements StiefelProblem {
  readonly n: number;
  readonly k: number;
  readonly line = this;
  private readonly coords: Float64Array;
  private readonly P: number;
  private readonly d: number;
  private readonly K: number;
  private readonly G: Float64Array;
  // Working layouts are transposed (K × P, K × d) so that every inner loop runs over the long
  // index (P or d) rather than over K, which is 1–5 in practice.
  private readonly cT: Float64Array; // c = XV, stored cT[k·P + m]
  private readonly vT: Float64Array;
  private readonly ir: Float64Array; // 1 / r_m
  private readonly row: Float64Array;
  private readonly bcT: Float64Array;
  private readonly gT: Float64Array;
  // Lower triangle of A (row m at aLow[m·P ..], n < m), valid for the point `lowFor`: the line
  // search leaves it behind for the accepted step, so the gradient need not rebuild it.
  private readonly aLow: Float64Array;
  private readonly tAcc: Float64Array;
  private readonly cxT: Float64Array;
  private readonly cdT: Float64Array;
  // cT (and ir) hold the image of this point, so the CG's next costAndGrad/begin can skip a product.
  private cachedFor: Float64Array | null = null;
  private lowFor: Float64Array | null = null;

  constructor(coords: Float64Array, P: number, d: number, K: number) {
    this.coords = coords;
    this.P = P;
    this.d = d;
    this.K = K;
    this.n = d;
    this.k = K;
    this.G = gramOfRows(coords, P, d);
    this.cT = new Float64Array(K * P);
    this.vT = new Float64Array(K * d);
    this.ir = new Float64Array(P);
    this.row = new Float64Array(P);
    this.bcT = new Float64Array(K * P);
    this.gT = new Float64Array(K * d);
    this.aLow = new Float64Array(P * P);
    this.tAcc = new Float64Array(P);
    this.cxT = new Float64Array(K * P);
    this.cdT = new Float64Array(K * P);
  }

  private project(v: Float64Array): void {
    if (v === this.cachedFor) return;
    this.cachedFor = v;
    this.image(v, this.cT);
    this.inverseResiduals();
  }

  /** ir_m = 1 / r_m = 1 / (G_mm − ‖c_m‖²) for the current cT. */
  private inverseResiduals(): void {
    const { P, K, G, cT, ir } = this;
    for (let m = 0; m < P; m++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += cT[k * P + m] * cT[k * P + m];
      ir[m] = 1 / (G[m * P + m] - s);
    }
  }

  /** row[n] = A_mn = G_mn − c_m·c_n for n < m. */
  private fillRow(m: number): void {
    const { P, K, G, cT, row } = this;
    const om = m * P;
    for (let n = 0; n < m; n++) row[n] = G[om + n];
    for (let k = 0; k < K; k++) {
      const ck = k * P;
      const cmk = cT[ck + m];
      for (let n = 0; n < m; n++) row[n] -= cmk * cT[ck + n];
    }
  }

  /** Σ_{n<m} A_mn² / (r_m r_n) over all m, from the current cT and ir; with `keep`, rows go to aLow. */
  private offDiagonal(keep: boolean): number {
    const { P, ir, row, aLow } = this;
    let off = 0;
    for (let m = 1; m < P; m++) {
      this.fillRow(m);
      if (keep) aLow.set(row.subarray(0, m), m * P);
      let acc = 0;
      for (let n = 0; n < m; n++) acc += row[n] * row[n] * ir[n];
      off += acc * ir[m];
    }
    return off;
  }

  // Line-search evaluations dominate the calls: one pass over n < m, nothing stored.
  cost(v: Float64Array): number {
    this.project(v);
    // Diagonal terms are A_mm²/r_m² = 1 each.
    return (this.P + 2 * this.offDiagonal(false)) / 2;
  }

  costAndGrad(v: Float64Array, egrad: Float64Array): number {
    const { P, d, K, coords, cT, ir, row, bcT, gT, aLow, tAcc } = this;
    const haveLow = v === this.lowFor && v === this.cachedFor;
    this.project(v);
    // One pass over the pairs n < m using the symmetry of A and W:
    //   t_m = Σ_n A_mn² ir_n (then b_m = ir_m² t_m and F = ½ Σ_m ir_m t_m),
    //   (Wc)_m = Σ_n A_mn ir_m ir_n c_n; the diagonal terms are added afterwards.
    tAcc.fill(0);
    bcT.fill(0);
    for (let m = 1; m < P; m++) {
      if (haveLow) row.set(aLow.subarray(m * P, m * P + m));
      else this.fillRow(m);
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
  }

  /** out (K × P) = (X v)ᵀ. */
  private image(v: Float64Array, out: Float64Array): void {
    const { P, d, K, coords, vT } = this;
    for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) vT[k * d + i] = v[i * K + k];
    for (let k = 0; k < K; k++) {
      for (let m = 0; m < P; m++) {
        const om = m * d;
        let s = 0;
        for (let i = 0; i < d; i++) s += coords[om + i] * vT[k * d + i];
        out[k * P + m] = s;
      }
    }
  }

  // Line search: c at (V + αD)R⁻¹ is (XV + αXD)R⁻¹, so trial steps cost P·K² instead of P·d·K.
  begin(v: Float64Array, dir: Float64Array): void {
    if (v === this.cachedFor) this.cxT.set(this.cT);
    else this.image(v, this.cxT);
    this.image(dir, this.cdT);
  }

  accept(v: Float64Array): void {
    this.cachedFor = v; // the last costAt was at the accepted step, whose point is v
    this.lowFor = v;
  }

  costAt(alpha: number, rInv: Float64Array): number {
    const { P, K, cT, cxT, cdT } = this;
    this.cachedFor = null;
    this.lowFor = null;
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
    this.inverseResiduals();
    return (P + 2 * this.offDiagonal(true)) / 2;
  }
}
