import {
  PYMANOPT_CG_DEFAULTS,
  type StiefelCgOptions,
  type StiefelCgResult,
  type StiefelCgStopReason,
  type StiefelProblem,
} from './stiefelConjugateGradient';
import { gramOfRows } from './gramOfRows';
import { SimdHeap, simdKernels, type HeapArray, type SimdKernels } from '../simd/kernels';

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
export function centerCorrelationCost(coords: Float64Array, P: number, d: number, K: number): CenterCorrelationProblem {
  return new CenterCorrelationCost(coords, P, d, K);
}

/** The cost on St(d, K), and the conjugate gradient on it run inside the SIMD kernels. */
export interface CenterCorrelationProblem extends StiefelProblem {
  /**
   * `stiefelConjugateGradient(this, x0, options)` as one kernel call (lib/assembly/kernels.ts `corrCg`):
   * the same iterations, line search, retraction and stops, with the line-search fast path, up to
   * rounding. The one difference: a trial whose retraction Gram is not positive definite (only with
   * non-finite numbers) costs NaN instead of falling back to a Householder retraction.
   */
  minimize(x0: Float64Array, options?: Partial<StiefelCgOptions>): StiefelCgResult;
}

const STOP_REASONS: StiefelCgStopReason[] = ['gradNorm', 'stepSize', 'maxIterations', 'maxTime', 'nonFinite'];

/**
 * The cost as a class rather than closures: every restart builds a new problem, and closures would be
 * new call targets each time, so the optimised CG code would deoptimise ("wrong call target") at the
 * start of each restart in every worker; prototype methods are one target for all restarts.
 */
class CenterCorrelationCost implements CenterCorrelationProblem {
  readonly n: number;
  readonly k: number;
  readonly line = this;
  private readonly P: number;
  private readonly d: number;
  private readonly K: number;
  // Everything the loops touch lives in the heap of this cost's own instance of the SIMD kernels
  // (lib/src/simd), which `corrBind` tells where its arrays are; the fields below are views of it.
  private readonly kernels: SimdKernels;
  // Working layouts are transposed (K × P, K × d) so that every inner loop runs over the long
  // index (P or d) rather than over K, which is 1–5 in practice.
  private readonly cT: HeapArray<Float64Array>; // c = XV, stored cT[k·P + m]
  private readonly cx: HeapArray<Float64Array>;
  private readonly cd: HeapArray<Float64Array>;
  private readonly vT: Float64Array;
  private readonly gT: Float64Array;
  private readonly rInv: HeapArray<Float64Array>;
  private readonly x0: HeapArray<Float64Array>;
  private readonly xOut: HeapArray<Float64Array>;
  private readonly cgOut: HeapArray<Float64Array>;
  private readonly cgWs: HeapArray<Float64Array>;
  // cT (and ir) hold the image of this point, so the CG's next costAndGrad/begin can skip a product.
  // The lower triangle of A (aLow) is valid for the point `lowFor`: the line search leaves it behind
  // for the accepted step, so the gradient need not rebuild it.
  private cachedFor: Float64Array | null = null;
  private lowFor: Float64Array | null = null;

  constructor(coords: Float64Array, P: number, d: number, K: number) {
    this.P = P;
    this.d = d;
    this.K = K;
    this.n = d;
    this.k = K;
    const cgBytes = simdKernels().corrCgWorkspaceBytes(d, K) + 16;
    const heap = new SimdHeap(
      SimdHeap.bytesFor([P * d, P * P, P * P, K * P, K * P, K * P, K * P, K * d, K * d, P, P, P, K * K, d * K, d * K, 8], [P]) + cgBytes,
    );
    this.kernels = heap.kernels;
    const X = heap.f64(P * d);
    X.view.set(coords);
    // rowEnd[m] = 1 + index of the last non-zero in row m of X. The centre coordinates are (R of the
    // basis QR)ᵀ, lower triangular, so the products with X (image and gradient) cost half of P·d·K.
    const rowEnd = heap.i32(P);
    for (let m = 0; m < P; m++) {
      let e = d;
      while (e > 0 && coords[m * d + e - 1] === 0) e--;
      rowEnd.view[m] = e;
    }
    const G = heap.f64(P * P);
    G.view.set(gramOfRows(coords, P, d));
    const aLow = heap.f64(P * P);
    this.cT = heap.f64(K * P);
    const bcT = heap.f64(K * P);
    this.cx = heap.f64(K * P);
    this.cd = heap.f64(K * P);
    const vT = heap.f64(K * d);
    const gT = heap.f64(K * d);
    const ir = heap.f64(P);
    const row = heap.f64(P);
    const tAcc = heap.f64(P);
    this.vT = vT.view;
    this.gT = gT.view;
    this.rInv = heap.f64(K * K);
    this.x0 = heap.f64(d * K);
    this.xOut = heap.f64(d * K);
    this.cgOut = heap.f64(8);
    this.cgWs = heap.f64(Math.ceil(this.kernels.corrCgWorkspaceBytes(d, K) / 8));
    this.kernels.corrBind(
      P,
      d,
      K,
      X.ptr,
      rowEnd.ptr,
      G.ptr,
      this.cT.ptr,
      ir.ptr,
      aLow.ptr,
      row.ptr,
      tAcc.ptr,
      bcT.ptr,
      gT.ptr,
      vT.ptr,
      this.cx.ptr,
      this.cd.ptr,
    );
  }

  minimize(x0: Float64Array, options: Partial<StiefelCgOptions> = {}): StiefelCgResult {
    const opt = { ...PYMANOPT_CG_DEFAULTS, ...options };
    this.x0.view.set(x0);
    this.kernels.corrCg(
      this.x0.ptr,
      this.xOut.ptr,
      this.cgWs.ptr,
      opt.maxIterations,
      opt.minGradNorm,
      opt.minStepSize,
      opt.maxBacktracks,
      opt.maxTimeSeconds,
      this.cgOut.ptr,
    );
    this.cachedFor = null; // the kernel moved cT, ir and aLow
    this.lowFor = null;
    const r = this.cgOut.view;
    return {
      x: Float64Array.from(this.xOut.view),
      cost: r[0],
      gradNorm: r[1],
      iterations: r[2],
      costEvaluations: r[3],
      stopReason: STOP_REASONS[r[4]],
    };
  }

  /** cT = (Xv)ᵀ and ir_m = 1 / (G_mm − ‖c_m‖²) for v, unless they are v's already. */
  private project(v: Float64Array): void {
    if (v === this.cachedFor) return;
    this.cachedFor = v;
    this.image(v, this.cT.ptr);
    this.kernels.corrInverseResiduals();
  }

  // Line-search evaluations dominate the calls: one pass over n < m, nothing stored.
  cost(v: Float64Array): number {
    this.project(v);
    // Diagonal terms are A_mm²/r_m² = 1 each; the kernel sums A_mn²/(r_m r_n) over n < m.
    return (this.P + 2 * this.kernels.corrOffDiagonal(0)) / 2;
  }

  /**
   * One pass over the pairs n < m using the symmetry of A and W (the kernel corrCostAndGrad):
   *   t_m = Σ_n A_mn² ir_n (then b_m = ir_m² t_m and F = ½ Σ_m ir_m t_m),
   *   (Wc)_m = Σ_n A_mn ir_m ir_n c_n, with the diagonal terms A_mm = r_m added afterwards,
   * then egrad = −2 Xᵀ (W − diag b) c.
   */
  costAndGrad(v: Float64Array, egrad: Float64Array): number {
    const { d, K, gT } = this;
    const haveLow = v === this.lowFor && v === this.cachedFor;
    this.project(v);
    const f = this.kernels.corrCostAndGrad(haveLow ? 1 : 0);
    for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) egrad[i * K + k] = gT[k * d + i];
    return f / 2;
  }

  /** (X v)ᵀ, K × P, into the heap array at `out`. */
  private image(v: Float64Array, out: number): void {
    const { d, K, vT } = this;
    for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) vT[k * d + i] = v[i * K + k];
    this.kernels.corrImage(out);
  }

  // Line search: c at (V + αD)R⁻¹ is (XV + αXD)R⁻¹, so trial steps cost P·K² instead of P·d·K.
  begin(v: Float64Array, dir: Float64Array): void {
    if (v === this.cachedFor) this.cx.view.set(this.cT.view);
    else this.image(v, this.cx.ptr);
    this.image(dir, this.cd.ptr);
  }

  accept(v: Float64Array): void {
    this.cachedFor = v; // the last costAt was at the accepted step, whose point is v
    this.lowFor = v;
  }

  costAt(alpha: number, rInv: Float64Array): number {
    this.cachedFor = null;
    this.lowFor = null;
    this.rInv.view.set(rInv.subarray(0, this.K * this.K));
    return this.kernels.corrCostAt(alpha, this.rInv.ptr);
  }
}
