import { gramOfRows } from './gramOfRows';
import { upperCholesky } from './upperCholesky';

/**
 * The reduction of docs/mftma.md §3 step 3 through the Gram matrix: an upper-triangular M × M factor R with
 * RᵀR = UᵀU for the N × M matrix U of a manifold's (centred, normalised) points, N > M.
 *
 * Why: any such R is QᵀU for an orthonormal basis Q of the span of the points, so the reduced points
 * are an isometric copy of the manifold — all that α_M, R_M and D_M see when the t-vectors are
 * isotropic Gaussians. Householder QR (LAPACK's signs) costs 2NM² flops per manifold; the Gram matrix
 * costs NM² (half of it by symmetry) in cache-friendly dot products, about 4× faster here, which is
 * most of the per-manifold time at N = 5000. Householder R and this R differ only in the signs of
 * their rows, a reflection of the coordinates; the reference's results depend on those signs only
 * through fixed, injected t-vectors, so `analyzeManifold` keeps Householder for those (the golden
 * `nocorr` cases) and uses this otherwise.
 *
 * Rank deficiency (centring leaves rank ≤ M − 1; real activations can have less) is handled by a
 * semidefinite Cholesky: a pivot below 1e-13 of the largest diagonal gives a zero row, which keeps
 * RᵀR = UᵀU up to rounding.
 *
 * @param u column-major N × M (column s = point s, contiguous).
 * @returns column-major M × M upper-triangular R (entry (r, c) at c·M + r).
 */
export function gramReduction(u: Float64Array, N: number, M: number): Float64Array {
  // UᵀU: the columns of U are the rows of a row-major M × N matrix.
  return reductionFromGram(gramOfRows(u, M, N), M);
}

/**
 * The reduced points from their Gram matrix G = UᵀU (M × M, row-major): the column-major M × M
 * upper-triangular R with RᵀR = G, by semidefinite Cholesky (see gramReduction).
 */
export function reductionFromGram(g: Float64Array, M: number): Float64Array {
  let maxDiag = 0;
  for (let j = 0; j < M; j++) maxDiag = Math.max(maxDiag, g[j * M + j]);
  const tol = 1e-13 * maxDiag;
  // R row-major is R column-major transposed: the caller wants column s = reduced point s.
  const rowMajor = upperCholesky(g, M, tol)!;
  const r = new Float64Array(M * M);
  for (let j = 0; j < M; j++) for (let c = j; c < M; c++) r[c * M + j] = rowMajor[j * M + c];
  return r;
}
