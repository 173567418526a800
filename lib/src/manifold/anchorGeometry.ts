import { NnlsSolver } from './nnls';
import { gramOfRows } from './gramOfRows';

/** One manifold's anchor-point geometry (`anchorGeometry`). */
export interface AnchorGeometry {
  /** α_M = 1 / mean_k F_k, F_k = [t_k·s̃_k + κ]₊² / ‖s̃_k‖² (PRX 2018 eqs. 16–17). Infinity if all F_k = 0. */
  capacity: number;
  /** R_M: RMS deviation of the anchors about their empirical mean (PRX eq. 28 as coded). */
  radius: number;
  /** D_M = D · (mean_k t̂_k·ŝ_k)² (PRX eq. 29 as coded: the square of the mean cosine). */
  dimension: number;
  /** t-vectors with g(t) + κ < 0 (no QP needed) plus those whose NNLS gave ‖v − t‖ < 1e-8. */
  interior: number;
  /** Sum over t-vectors of Lawson–Hanson outer iterations. */
  nnlsIterations: number;
  /** NNLS problems solved, and how many stopped at the iteration cap. */
  nnlsSolved: number;
  nnlsMaxIterations: number;
}

/** "v equals t" threshold of the reference (docs/mftma.md §4 step 4, `eps = 1e-8`). */
export const V_EQUALS_T_EPS = 1e-8;

/**
 * One manifold's capacity α_M, radius R_M and dimension D_M from its anchor points — the reference's
 * `each_manifold_analysis_D1` (docs/mftma.md §4), with each quadratic program solved as an exact NNLS.
 *
 * Input layout: `sD1` holds the M lifted points s_μ = (u_μ, 1) ∈ ℝ^{D+1} column-major (point μ at
 * sD1[μ(D+1) .. μ(D+1)+D]); `tVectors` holds the n_t Gaussian vectors t_k ∈ ℝ^{D+1} row-major
 * (t_k at tVectors[k(D+1) ..]).
 *
 * @param sD1       (D+1) × M lifted points, column-major, last coordinate 1.
 * @param dim       D (the reduced dimension, min(N, M) in the full analysis).
 * @param numPoints M.
 * @param tVectors  n_t × (D+1), row-major.
 * @param kappa     margin κ.
 */
export function anchorGeometry(
  sD1: Float64Array,
  dim: number,
  numPoints: number,
  tVectors: Float64Array,
  nT: number,
  kappa: number,
): AnchorGeometry {
  const D1 = dim + 1;
  const M = numPoints;
  if (sD1.length !== D1 * M) throw new Error(`anchorGeometry: sD1 has ${sD1.length} entries, expected ${D1}x${M}`);
  if (tVectors.length !== D1 * nT) throw new Error(`anchorGeometry: t-vectors have ${tVectors.length} entries, expected ${nT}x${D1}`);
  // Gram of the points, shared by every NNLS of this manifold.
  const gram = gramOfRows(sD1, M, D1);
  // Block entry (nnls.ts): same anchors, ~2.5× less time; the anchor Sα/Σα is unique even when α is not.
  const solver = new NnlsSolver(D1, M, { blockRatio: 0.2 });
  const alpha = new Float64Array(M);
  const tPrime = new Float64Array(D1);
  const anchors = new Float64Array(nT * D1); // s̃_k, row-major
  const sAlpha = new Float64Array(D1);
  const proj = new Float64Array(M); // t_{1:D}·u_μ
  const atb = new Float64Array(M); // Sᵀt′ = proj + t₀ + κ, since every s_μ ends in 1
  let interior = 0;
  let nnlsIterations = 0;
  let nnlsSolved = 0;
  let nnlsMaxIterations = 0;
  for (let k = 0; k < nT; k++) {
    const t = tVectors.subarray(k * D1, k * D1 + D1);
    const out = anchors.subarray(k * D1, k * D1 + D1);
    // Max-projection point s⁰(t): argmax over the first D coordinates (docs/mftma.md §4 step 2).
    let best = -Infinity;
    let muStar = 0;
    for (let mu = 0; mu < M; mu++) {
      const o = mu * D1;
      let s = 0;
      for (let i = 0; i < dim; i++) s += t[i] * sD1[o + i];
      proj[mu] = s;
      if (s > best) {
        best = s;
        muStar = mu;
      }
    }
    const oStar = muStar * D1;
    let g = 0;
    for (let i = 0; i < D1; i++) g += t[i] * sD1[oStar + i];
    if (g + kappa < 0) {
      // Interior case: v = t satisfies every constraint; the anchor is s⁰ (step 3).
      for (let i = 0; i < D1; i++) out[i] = sD1[oStar + i];
      interior++;
      continue;
    }
    // Dual of min ‖v − t‖² s.t. s_μ·v ≤ −κ is NNLS(S, t + κ e_{D+1}) (docs/mftma.md §4 port hint).
    tPrime.set(t);
    tPrime[dim] += kappa;
    for (let mu = 0; mu < M; mu++) atb[mu] = proj[mu] + tPrime[dim] * sD1[mu * D1 + dim];
    const res = solver.solve(sD1, D1, M, gram, tPrime, alpha, atb);
    nnlsIterations += res.iterations;
    nnlsSolved++;
    if (res.status !== 'optimal') nnlsMaxIterations++;
    sAlpha.fill(0);
    let sumAlpha = 0;
    for (let mu = 0; mu < M; mu++) {
      const am = alpha[mu];
      if (am === 0) continue;
      sumAlpha += am;
      const o = mu * D1;
      for (let i = 0; i < D1; i++) sAlpha[i] += am * sD1[o + i];
    }
    let vt2 = 0;
    for (let i = 0; i < D1; i++) vt2 += sAlpha[i] * sAlpha[i];
    if (Math.sqrt(vt2) < V_EQUALS_T_EPS || sumAlpha === 0) {
      for (let i = 0; i < D1; i++) out[i] = sD1[oStar + i];
      interior++;
    } else {
      // Anchor s̃ = (t − v*)/Σα = Sα/Σα, a convex combination of the support points.
      for (let i = 0; i < D1; i++) out[i] = sAlpha[i] / sumAlpha;
    }
  }
  // Capacity, eqs. 16–17.
  let sumF = 0;
  for (let k = 0; k < nT; k++) {
    const t = tVectors.subarray(k * D1, k * D1 + D1);
    const s = anchors.subarray(k * D1, k * D1 + D1);
    let ts = 0;
    let ss = 0;
    for (let i = 0; i < D1; i++) {
      ts += t[i] * s[i];
      ss += s[i] * s[i];
    }
    const h = Math.max(ts + kappa, 0);
    if (ss > 0) sumF += (h * h) / ss;
  }
  const capacity = 1 / (sumF / nT);
  // Radius, eq. 28 as coded: deviations about the anchors' own mean, divided by the last coordinate.
  const mean = new Float64Array(D1);
  for (let k = 0; k < nT; k++) for (let i = 0; i < D1; i++) mean[i] += anchors[k * D1 + i];
  for (let i = 0; i < D1; i++) mean[i] /= nT;
  let sumSq = 0;
  for (let k = 0; k < nT; k++) {
    const o = k * D1;
    const last = anchors[o + dim];
    for (let i = 0; i < dim; i++) {
      const v = (anchors[o + i] - mean[i]) / last;
      sumSq += v * v;
    }
  }
  const radius = Math.sqrt(sumSq / nT);
  // Dimension, eq. 29 as coded.
  let sumCos = 0;
  for (let k = 0; k < nT; k++) {
    const o = k * D1;
    let tt = 0;
    let ss = 0;
    let ts = 0;
    for (let i = 0; i < dim; i++) {
      const ti = tVectors[o + i];
      const si = anchors[o + i];
      tt += ti * ti;
      ss += si * si;
      ts += ti * si;
    }
    sumCos += ts / Math.sqrt(tt) / Math.sqrt(ss + 1e-12);
  }
  const meanCos = sumCos / nT;
  const dimension = dim * meanCos * meanCos;
  return { capacity, radius, dimension, interior, nnlsIterations, nnlsSolved, nnlsMaxIterations };
}
