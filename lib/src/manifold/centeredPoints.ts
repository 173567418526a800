import type { ManifoldPoints } from './manifoldPoints';
import { symmetricEigenvalues } from './symmetricEigenvalues';
import { gramOfRows } from './gramOfRows';

/**
 * All points of all manifolds as one sample-major T × N matrix with the per-feature mean removed:
 * the "all data" that the participation ratio and the data rank are computed from (docs/mftma.md §5).
 */
export function centeredPoints(manifolds: ManifoldPoints[]): { x: Float64Array; T: number; N: number } {
  const N = manifolds[0].ambientDim;
  const T = manifolds.reduce((s, m) => s + m.numPoints, 0);
  const x = new Float64Array(T * N);
  let off = 0;
  for (const m of manifolds) {
    x.set(m.data.subarray(0, m.numPoints * N), off);
    off += m.numPoints * N;
  }
  const mean = new Float64Array(N);
  for (let t = 0; t < T; t++) for (let f = 0, o = t * N; f < N; f++) mean[f] += x[o + f];
  for (let f = 0; f < N; f++) mean[f] /= T;
  for (let t = 0; t < T; t++) for (let f = 0, o = t * N; f < N; f++) x[o + f] -= mean[f];
  return { x, T, N };
}

/**
 * Eigenvalues of the smaller Gram matrix of a sample-major T × N matrix (T × T when T ≤ N, else
 * N × N): the squared singular values, without forming an SVD.
 */
export function gramEigenvalues(x: Float64Array, T: number, N: number): Float64Array {
  // x: T points × N features, sample-major.
  if (T <= N) {
    return symmetricEigenvalues(gramOfRows(x, T, N), T);
  }
  const g = new Float64Array(N * N);
  for (let t = 0; t < T; t++) {
    const o = t * N;
    for (let a = 0; a < N; a++) {
      const xa = x[o + a];
      if (xa === 0) continue;
      const ga = a * N;
      for (let b = 0; b <= a; b++) g[ga + b] += xa * x[o + b];
    }
  }
  for (let a = 0; a < N; a++) for (let b = 0; b < a; b++) g[b * N + a] = g[a * N + b];
  return symmetricEigenvalues(g, N);
}
