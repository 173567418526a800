import { InputError } from '../errors';
import { validateManifolds, asManifoldPoints, type PointSets } from './manifoldPoints';
import { centeredPoints, gramEigenvalues } from './centeredPoints';

/** The result of `allDataDimension`. */
export interface AllDataDimension {
  participationRatio: number;
  explainedVarianceDim: number;
  /** N. */
  featureDim: number;
}

/**
 * Dimension of all the data together — the reference's `alldata_dimension_analysis` (docs/mftma.md §5),
 * with its quirks kept:
 *  - participation ratio (Σσ²)²/Σσ⁴ of the singular values of the feature-centred N × T data matrix,
 *    after dropping the smallest of the min(N, T) values (meant to be the zero left by centring,
 *    which is only true when T ≤ N);
 *  - explained-variance dimension: PCA run on the N × T matrix, so the N features act as samples and
 *    each of the T points is centred again over the features (double centring); the count of
 *    components whose cumulative explained-variance ratio is ≤ `perc` (one fewer than "needed to
 *    reach perc", and possibly 0).
 * Singular values come from the eigenvalues of the smaller Gram matrix (T × T or N × N), so the cost
 * is O(min(N,T)²·max(N,T) + min(N,T)³): seconds for T, N ≲ 1500, minutes at 5000.
 */
export function allDataDimension(points: PointSets, options: { perc?: number } = {}): AllDataDimension {
  const manifolds = asManifoldPoints(points);
  const perc = options.perc ?? 0.9;
  if (!(perc > 0 && perc <= 1)) throw new InputError(`perc must be in (0, 1], got ${perc}`);
  validateManifolds(manifolds);
  const { x, T, N } = centeredPoints(manifolds);
  // Participation ratio: σ² are the Gram eigenvalues; drop the last of the min(N, T).
  const lam = gramEigenvalues(x, T, N).subarray(0, Math.min(N, T));
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < lam.length - 1; i++) {
    const v = Math.max(lam[i], 0);
    s1 += v;
    s2 += v * v;
  }
  const participationRatio = (s1 * s1) / s2;
  // sklearn PCA().fit(X) with X = N × T: centre each of the T columns over the N rows.
  for (let t = 0; t < T; t++) {
    let m = 0;
    for (let f = 0; f < N; f++) m += x[t * N + f];
    m /= N;
    for (let f = 0; f < N; f++) x[t * N + f] -= m;
  }
  const ev = gramEigenvalues(x, T, N).subarray(0, Math.min(N, T));
  let total = 0;
  for (const v of ev) total += Math.max(v, 0);
  let cum = 0;
  let explainedVarianceDim = 0;
  for (const v of ev) {
    cum += Math.max(v, 0) / total;
    if (cum <= perc) explainedVarianceDim++;
  }
  return { participationRatio, explainedVarianceDim, featureDim: N };
}
