import { SimdHeap, simdKernels, withScratchHeap } from '../simd/kernels';

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
  // The whole loop runs in the SIMD kernels (lib/assembly/kernels.ts `anchorGeometry`), which follow
  // the steps below one for one; the NNLS there is nnls.ts's block-entry Lawson–Hanson (blockRatio 0.2:
  // the same anchors as plain LH, ~2.5× less time; the anchor Sα/Σα is unique even when α is not).
  //  1. Max-projection point s⁰(t) = argmax over the first D coordinates of t·s_μ (docs/mftma.md §4 step 2).
  //  2. g = t·s⁰ + κ < 0: interior, v = t satisfies every constraint and the anchor is s⁰ (step 3).
  //  3. Otherwise the dual of min ‖v − t‖² s.t. s_μ·v ≤ −κ is NNLS(S, t + κ e_{D+1}) (the port hint of
  //     §4); the anchor is s̃ = (t − v*)/Σα = Sα/Σα, or s⁰ when ‖Sα‖ < 1e-8 ("v = t", V_EQUALS_T_EPS).
  //  4. α_M from eqs. 16–17; R_M (eq. 28 as coded) about the anchors' own mean, divided by the last
  //     coordinate; D_M = D · (mean cosine of t and s̃ over the first D coordinates)² (eq. 29 as coded).
  const probe = simdKernels();
  const wsBytes = probe.anchorWorkspaceBytes(D1, M, nT);
  const r = withScratchHeap(SimdHeap.bytesFor([D1 * M, nT * D1, 8]) + wsBytes + 16, (heap) => {
    const s = heap.f64(D1 * M);
    const t = heap.f64(nT * D1);
    const out = heap.f64(8);
    const ws = heap.f64(Math.ceil(wsBytes / 8));
    s.view.set(sD1);
    t.view.set(tVectors);
    heap.kernels.anchorGeometry(s.ptr, dim, M, t.ptr, nT, kappa, ws.ptr, out.ptr);
    return Float64Array.from(out.view);
  });
  return {
    capacity: r[0],
    radius: r[1],
    dimension: r[2],
    interior: r[3],
    nnlsIterations: r[4],
    nnlsSolved: r[5],
    nnlsMaxIterations: r[6],
  };
}
