import { InputError } from '../errors';
import { asManifoldPoints, type PointSets } from '../manifold/manifoldPoints';
import { centeredPoints, gramEigenvalues } from '../manifold/centeredPoints';
import { gramOfRows } from '../manifold/gramOfRows';

/**
 * Participation ratio of all the points of P manifolds together, (Σσ²)² / Σσ⁴ over the singular
 * values σ of the feature-centred data, with the reference's quirk of dropping the smallest of the
 * min(N, T) values (docs/mftma.md §5; `allDataDimension(...).participationRatio` computes the same number).
 *
 * Only the participation ratio is needed per geometry cell, so this skips `allDataDimension`'s second
 * (explained-variance) spectrum and, when T ≤ N, the spectrum altogether: centring leaves rank ≤ T − 1,
 * so the dropped value is the zero of the centring and Σσ² = tr G, Σσ⁴ = ‖G‖²_F for the T × T Gram
 * matrix G. When N < T the N × N Gram's eigenvalues are taken and the smallest dropped, as the reference.
 * Takes `ManifoldPoints`, ml-matrix Matrices (rows = points) or nested arrays.
 */
export function participationRatio(points: PointSets): number {
  const manifolds = asManifoldPoints(points);
  if (manifolds.length === 0) throw new InputError('participationRatio: no manifolds');
  const N = manifolds[0].ambientDim;
  let T = 0;
  for (const m of manifolds) {
    if (m.ambientDim !== N) throw new InputError(`participationRatio: manifolds have ${N} and ${m.ambientDim} features`);
    T += m.numPoints;
  }
  if (T < 2) throw new InputError('participationRatio: need at least 2 points');
  const { x } = centeredPoints(manifolds);

  if (T <= N) {
    // The Gram in the SIMD kernel (lib/src/simd): each entry is the same two interleaved sums as the
    // JavaScript loop this replaced (even and odd features), so for even N the bits are the same.
    // This Gram was over half of every geometry cell's time (T = P·M = 500 points of up to 5000 features).
    const g = gramOfRows(x, T, N);
    let trace = 0;
    let frob = 0;
    for (let a = 0; a < T; a++) {
      for (let b = 0; b < a; b++) frob += 2 * g[a * T + b] * g[a * T + b];
      const d = g[a * T + a];
      trace += d;
      frob += d * d;
    }
    return (trace * trace) / frob;
  }
  const lam = gramEigenvalues(x, T, N);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < N - 1; i++) {
    const v = Math.max(lam[i], 0);
    s1 += v;
    s2 += v * v;
  }
  return (s1 * s1) / s2;
}
