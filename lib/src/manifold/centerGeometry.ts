import { gramOfRows } from './gramOfRows';
import { applyQ, householderQrInPlace, type HouseholderQr } from './householderQr';
import type { ManifoldPoints } from './manifoldPoints';
import { symmetricEigenvalues } from './symmetricEigenvalues';

/** The result of `centerGeometry`. */
export interface CenterGeometry {
  numManifolds: number;
  ambientDim: number;
  /** x̄: mean of all Σ M_i points (length N). */
  globalMean: Float64Array;
  /** c_i: mean of each manifold's points, P × N row-major (on the unshifted data). */
  centers: Float64Array;
  /** Cumulative fractions τ_j of the squared singular values of C − ĉ1ᵀ (min(N, P) values). */
  centerSvCumFrac: number[];
  /** maxK = argmax_j [τ_j if τ_j < 0.95 else 0] + 11 (the reference's rule, 0-based j). */
  maxK: number;
  /** ρ_c = mean |cos| between centred centres over ordered pairs m ≠ n. */
  centerCorrelation: number;
  /** d = min(N, P − 1): columns kept from the QR basis. */
  basisDim: number;
  /** X = Xb·Proj: the centred centres in the basis, P × d row-major (an isometry of them). */
  coords: Float64Array;
  /** Norms ‖x_m‖ of the centred centres. */
  centerNorms: Float64Array;
  /** Householder QR of Xbᵀ (N × P); its Q lifts basis coordinates back to ℝ^N. */
  basisQr: HouseholderQr;
  /** Σ_s ‖x_s‖² over each manifold's raw points (a scale for input checks, from the same pass as the centres). */
  pointSumSq: Float64Array;
}

/** The reference's maxK rule on cumulative fractions (np.argmax returns the first maximum). */
export function maxKRule(cumFrac: ArrayLike<number>): number {
  let best = -Infinity;
  let arg = 0;
  for (let j = 0; j < cumFrac.length; j++) {
    const v = cumFrac[j] < 0.95 ? cumFrac[j] : 0;
    if (v > best) {
      best = v;
      arg = j;
    }
  }
  return arg + 11;
}

/**
 * Mean |cosine| over ordered off-diagonal pairs of the rows of a P × d matrix, as `(Σ|C| − P)/(P(P−1))`.
 * The ordered sum is twice the sum over m < n plus the diagonal (each |cos| is computed once: the
 * centre step calls this for every restart).
 */
export function meanAbsCosine(rows: Float64Array, P: number, d: number): number {
  const g = gramOfRows(rows, P, d);
  let diag = 0;
  let off = 0;
  for (let m = 0; m < P; m++) {
    const nm = Math.sqrt(g[m * P + m]);
    diag += Math.abs(g[m * P + m] / (nm * nm));
    for (let n = 0; n < m; n++) off += Math.abs(g[m * P + n] / (nm * Math.sqrt(g[n * P + n])));
  }
  return (diag + 2 * off - P) / (P * (P - 1));
}

/**
 * c += Σ_s x_s over the M points (N features each) of x, and Σ_s ‖x_s‖² returned: the one pass that
 * reads every input value (200 MB on the README case). A function of its own, so that V8 optimises
 * it on its first calls (as a closure it ran unoptimised through the first manifolds: 130–190 ms
 * instead of 60 ms in a fresh process). Four features at a time with four partial sums of squares:
 * one running sum made each step wait for the previous add. The centres keep their order of
 * summation (over s, per feature); Σ‖x‖² only feeds the degenerate-input check, where its last bits
 * do not matter.
 */
function addPointSums(x: Float64Array, M: number, N: number, c: Float64Array): number {
  let sq0 = 0;
  let sq1 = 0;
  let sq2 = 0;
  let sq3 = 0;
  for (let s = 0; s < M; s++) {
    const o = s * N;
    let f = 0;
    for (; f + 3 < N; f += 4) {
      const a = x[o + f];
      const b = x[o + f + 1];
      const d = x[o + f + 2];
      const e = x[o + f + 3];
      c[f] += a;
      c[f + 1] += b;
      c[f + 2] += d;
      c[f + 3] += e;
      sq0 += a * a;
      sq1 += b * b;
      sq2 += d * d;
      sq3 += e * e;
    }
    for (; f < N; f++) {
      const v = x[o + f];
      c[f] += v;
      sq0 += v * v;
    }
  }
  return sq0 + sq1 + (sq2 + sq3);
}

/**
 * The deterministic part of the centre analysis (docs/mftma.md §1–2): global origin, raw centres, the
 * centre SVD fractions and the maxK rule, the (P−1)-dimensional basis of the centred centres, and
 * the centre correlation ρ_c reported by the reference as `res_coeff0`.
 */
export function centerGeometry(manifolds: ManifoldPoints[]): CenterGeometry {
  const P = manifolds.length;
  const N = manifolds[0].ambientDim;
  const globalMean = new Float64Array(N);
  const centers = new Float64Array(P * N);
  const pointSumSq = new Float64Array(P);
  let total = 0;
  manifolds.forEach((m, i) => {
    const c = centers.subarray(i * N, i * N + N);
    const sq = addPointSums(m.data, m.numPoints, N, c);
    // x̄ = Σ_i (sum of manifold i's points) / Σ_i M_i, accumulated from the sums before they become means.
    for (let f = 0; f < N; f++) {
      globalMean[f] += c[f];
      c[f] /= m.numPoints;
    }
    pointSumSq[i] = sq;
    total += m.numPoints;
  });
  for (let f = 0; f < N; f++) globalMean[f] /= total;
  // Centred centres Xb (rows x_m = c_m − ĉ), stored as the columns of the N × P matrix Xbᵀ.
  const centerMean = new Float64Array(N);
  for (let i = 0; i < P; i++) for (let f = 0; f < N; f++) centerMean[f] += centers[i * N + f] / P;
  const xbT = new Float64Array(N * P);
  for (let i = 0; i < P; i++) for (let f = 0; f < N; f++) xbT[i * N + f] = centers[i * N + f] - centerMean[f];
  // Singular values of C − ĉ1ᵀ from the eigenvalues of its P × P Gram matrix.
  const gram = gramOfRows(xbT, P, N);
  const nSv = Math.min(N, P);
  const eig = symmetricEigenvalues(gram, P).subarray(0, nSv);
  let sumSq = 0;
  for (const v of eig) sumSq += Math.max(v, 0);
  const centerSvCumFrac: number[] = [];
  let acc = 0;
  for (const v of eig) {
    acc += Math.max(v, 0) / sumSq;
    centerSvCumFrac.push(acc);
  }
  const maxK = maxKRule(centerSvCumFrac);
  // Basis: economic QR of Xbᵀ; X = Xb·Q[:, :d] = (R[:d, :])ᵀ.
  const basisQr = householderQrInPlace(Float64Array.from(xbT), N, P);
  const d = Math.min(N, P - 1);
  const coords = new Float64Array(P * d);
  for (let m = 0; m < P; m++) for (let i = 0; i < d && i <= m; i++) coords[m * d + i] = basisQr.qr[m * N + i];
  const centerNorms = new Float64Array(P);
  for (let m = 0; m < P; m++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += coords[m * d + i] ** 2;
    centerNorms[m] = Math.sqrt(s);
  }
  const centerCorrelation = meanAbsCosine(coords, P, d);
  return {
    numManifolds: P,
    ambientDim: N,
    globalMean,
    centers,
    centerSvCumFrac,
    maxK,
    centerCorrelation,
    basisDim: d,
    coords,
    centerNorms,
    basisQr,
    pointSumSq,
  };
}

/** Lift basis coordinates V (d × K row-major) to ℝ^N: Proj·V, returned column-major N × K. */
export function liftToAmbient(geom: CenterGeometry, v: Float64Array, K: number): Float64Array {
  const N = geom.ambientDim;
  const d = geom.basisDim;
  const out = new Float64Array(N * K);
  const y = new Float64Array(N);
  for (let k = 0; k < K; k++) {
    y.fill(0);
    for (let i = 0; i < d; i++) y[i] = v[i * K + k];
    applyQ(geom.basisQr, y);
    out.set(y, k * N);
  }
  return out;
}
