import { Rng } from '../random/rng';
import { anchorGeometry } from './anchorGeometry';
import { householderQrInPlace, qrQ } from './householderQr';
import { reductionFromGram } from './gramReduction';
import { SimdHeap, withScratchHeap } from '../simd/kernels';
import { normalQuantile } from './normalQuantile';

/** The input of `analyzeManifold`: one manifold and what the analysis shares (plain data, for worker threads). */
export interface ManifoldTask {
  index: number;
  numPoints: number;
  ambientDim: number;
  /** M × N sample-major points (raw, not centred). */
  points: Float64Array;
  /** x̄, length N. */
  globalMean: Float64Array;
  /** Orthonormal shared centre directions, column-major N × K (K = 0: nothing removed). */
  sharedBasis: Float64Array;
  K: number;
  kappa: number;
  nT: number;
  seed: number;
  /** Variance-reduced t-vectors (stable mode; see drawTVectors). */
  balancedTVectors?: boolean;
  /**
   * How the points are rotated into their span when N > M: 'householder' (LAPACK's QR and signs, what
   * the reference does; needed to match it with fixed t-vectors) or 'gram' (an isometric copy from the
   * Gram matrix, ~4× faster; see gramReduction). Default: 'gram' with drawn t-vectors, 'householder'
   * with fixed ones.
   */
  reduction?: 'householder' | 'gram';
  /** Optional fixed t-vectors, n_t × (D+1) row-major (D = min(N, M)); otherwise drawn from Rng.derive(seed, 'tvec', index). */
  tVectors?: Float64Array;
}

export interface ManifoldTaskResult {
  index: number;
  capacity: number;
  radius: number;
  dimension: number;
  /** ‖y_i‖: norm of the manifold centre after global-mean subtraction and shared-subspace removal. */
  centerNorm: number;
  /** RMS distance of the points from that centre, in the same (un-normalised) units. */
  spread: number;
  /** D: min(N, M_i). */
  reducedDim: number;
  interior: number;
  nnlsIterations: number;
  nnlsSolved: number;
  nnlsMaxIterations: number;
}

export interface PreparedManifold {
  /** (D+1) × M, column-major, last row 1. */
  sD1: Float64Array;
  dim: number;
  centerNorm: number;
  spread: number;
  /** sign(diag R) of the Householder reduction (empty when there was none, or the Gram reduction was used). */
  rDiagSign: number[];
}

/** §3: shared-subspace removal, centring, normalisation, QR reduction and lifting. */
export function prepareManifold(
  task: Omit<ManifoldTask, 'kappa' | 'nT' | 'seed' | 'tVectors' | 'index'>,
  scratch?: Float64Array,
): PreparedManifold {
  // Without an explicit choice: LAPACK's Householder QR (the reference's basis, signs included).
  const { numPoints: M, ambientDim: N, points, globalMean, sharedBasis, K } = task;
  if (N > M && task.reduction === 'gram') return prepareByGram(task);
  // `scratch` (≥ M·N, contents ignored) spares a fresh M × N array per manifold: nothing below keeps u.
  const u = scratch && scratch.length >= M * N ? scratch.subarray(0, M * N) : new Float64Array(M * N);
  // U = (I − VVᵀ)(X − x̄), column-major N × M.
  const proj = new Float64Array(K);
  for (let s = 0; s < M; s++) {
    const o = s * N;
    for (let f = 0; f < N; f++) u[o + f] = points[o + f] - globalMean[f];
    for (let k = 0; k < K; k++) {
      let dot = 0;
      const ok = k * N;
      for (let f = 0; f < N; f++) dot += sharedBasis[ok + f] * u[o + f];
      proj[k] = dot;
    }
    for (let k = 0; k < K; k++) {
      const ok = k * N;
      const p = proj[k];
      for (let f = 0; f < N; f++) u[o + f] -= p * sharedBasis[ok + f];
    }
  }
  const center = new Float64Array(N);
  for (let s = 0; s < M; s++) for (let f = 0; f < N; f++) center[f] += u[s * N + f];
  let cn2 = 0;
  for (let f = 0; f < N; f++) {
    center[f] /= M;
    cn2 += center[f] * center[f];
  }
  const centerNorm = Math.sqrt(cn2);
  let spread2 = 0;
  for (let s = 0; s < M; s++) {
    for (let f = 0; f < N; f++) {
      const v = u[s * N + f] - center[f];
      u[s * N + f] = v;
      spread2 += v * v;
    }
  }
  const spread = Math.sqrt(spread2 / M);
  for (let i = 0; i < u.length; i++) u[i] /= centerNorm;
  let dim: number;
  let reduced: Float64Array;
  const rDiagSign: number[] = [];
  if (N > M) {
    // QᵀU = R: the reduced points are the columns of the triangular factor (LAPACK signs).
    const f = householderQrInPlace(u, N, M);
    dim = M;
    reduced = new Float64Array(M * M);
    for (let c = 0; c < M; c++) for (let r = 0; r <= c; r++) reduced[c * M + r] = f.qr[c * N + r];
    for (let j = 0; j < M; j++) rDiagSign.push(f.qr[j * N + j] < 0 ? -1 : 1);
  } else {
    dim = N;
    reduced = u;
  }
  return { sD1: lift(reduced, dim, M), dim, centerNorm, spread, rDiagSign };
}

/** sD1 = [points ; 1ᵀ], (D+1) × M column-major (docs/mftma.md §3 step 4). */
function lift(reduced: Float64Array, dim: number, M: number): Float64Array {
  const D1 = dim + 1;
  const sD1 = new Float64Array(D1 * M);
  for (let s = 0; s < M; s++) {
    sD1.set(reduced.subarray(s * dim, s * dim + dim), s * D1);
    sD1[s * D1 + dim] = 1;
  }
  return sD1;
}

/**
 * §3 through the Gram matrix (N > M, any isometric reduction allowed). The normalised, centred,
 * projected points are U = (I − VVᵀ)(X − c1ᵀ)/‖y‖ with c the manifold's own mean (the global mean
 * cancels on centring) and y = (I − VVᵀ)(c − x̄). So
 *   UᵀU = (X_cᵀX_c − BᵀB)/‖y‖²,  X_c = X − c1ᵀ, B = VᵀX_c (K × M),
 * and only X_c is formed: one pass that also accumulates B, then the Gram of X_c. This skips the
 * explicit projection and its four extra passes over the M × N points. The spread is
 * sqrt(tr(X_cᵀX_c − BᵀB)/M), the RMS norm of the projected, centred points.
 */
function prepareByGram(task: Omit<ManifoldTask, 'kappa' | 'nT' | 'seed' | 'tVectors' | 'index'>): PreparedManifold {
  const { numPoints: M, ambientDim: N, points, globalMean, sharedBasis, K } = task;
  // The three passes over the M × N points (centring, B, the Gram) run in the SIMD kernels.
  const { c, B, gk } = withScratchHeap(SimdHeap.bytesFor([M * N, N, K * N, K * M, M * M]), (heap) => {
    const xc = heap.f64(M * N);
    const cH = heap.f64(N);
    const V = heap.f64(K * N);
    const BH = heap.f64(K * M);
    const gH = heap.f64(M * M);
    xc.view.set(points.subarray(0, M * N));
    V.view.set(sharedBasis.subarray(0, K * N));
    const { kernels } = heap;
    kernels.centerPoints(xc.ptr, M, N, cH.ptr); // X_c, and c (the manifold's mean)
    kernels.rowDots(V.ptr, K, xc.ptr, M, N, BH.ptr); // B[k·M + s] = v_k·(x_s − c)
    kernels.columnGram(xc.ptr, N, M, gH.ptr);
    return { c: Float64Array.from(cH.view), B: Float64Array.from(BH.view), gk: Float64Array.from(gH.view) };
  });
  // y = (I − VVᵀ)(c − x̄), formed explicitly: its norm can be a tiny fraction of ‖c − x̄‖ (a removed
  // direction along the centre), where ‖c − x̄‖² − ‖Vᵀ(c − x̄)‖² would cancel.
  const y = new Float64Array(N);
  for (let f = 0; f < N; f++) y[f] = c[f] - globalMean[f];
  for (let k = 0; k < K; k++) {
    const ok = k * N;
    let dot = 0;
    for (let f = 0; f < N; f++) dot += sharedBasis[ok + f] * y[f];
    for (let f = 0; f < N; f++) y[f] -= dot * sharedBasis[ok + f];
  }
  let cn2 = 0;
  for (let f = 0; f < N; f++) cn2 += y[f] * y[f];
  const centerNorm = Math.sqrt(cn2);
  const g = new Float64Array(M * M);
  let trace = 0;
  for (let a = 0; a < M; a++) {
    for (let b = 0; b < M; b++) {
      let s = gk[a * M + b];
      for (let k = 0; k < K; k++) s -= B[k * M + a] * B[k * M + b];
      g[a * M + b] = s / cn2;
    }
    trace += g[a * M + a];
  }
  const spread = Math.sqrt((Math.max(trace, 0) * cn2) / M);
  return { sD1: lift(reductionFromGram(g, M), M, M), dim: M, centerNorm, spread, rDiagSign: [] };
}

/**
 * Gaussian t-vectors for manifold `index`: n_t × (D+1), row-major, from their own sub-stream.
 *
 * With `balanced` (stable mode) two variance reductions are applied, both of which leave every t_k
 * marginally N(0, I_{D+1}), so the estimators of α, R and D keep their expectations:
 *  - the last coordinate t₀ (the centre direction, which decides whether t is interior and dominates
 *    the variance of F(t)) is Latin-hypercube sampled: t₀,k = Φ⁻¹((π_k + u_k)/n_t), π a random
 *    permutation, u_k uniform;
 *  - the directions of t_{1:D} come in blocks of up to D mutually orthogonal unit vectors (the Q
 *    factor, sign-fixed so it is Haar, of a Gaussian D × b matrix), each scaled by its own χ_D norm.
 * On the shared real activations this cuts the seed-to-seed spread of α about threefold and that of
 * D_M by a third at equal n_t (README.md in this folder has the numbers).
 */
export function drawTVectors(seed: number, index: number, nT: number, dim: number, balanced = false): Float64Array {
  const rng = Rng.derive(seed, 'tvec', index);
  const D1 = dim + 1;
  const t = new Float64Array(nT * D1);
  if (!balanced) return rng.fillNormal(t);
  for (let k0 = 0; k0 < nT; k0 += dim) {
    const nb = Math.min(dim, nT - k0);
    const g = rng.fillNormal(new Float64Array(dim * nb)); // column-major dim × nb
    const f = householderQrInPlace(g, dim, nb);
    const q = qrQ(f);
    // The χ_D norms' normals, column after column: nothing else draws between them, so one fill
    // gives the stream that a normal() per entry would.
    const zs = rng.fillNormal(new Float64Array(nb * dim));
    for (let b = 0; b < nb; b++) {
      // Column b of Q with the sign of R_bb: the Q of the QR with a positive diagonal, which is Haar.
      const sign = f.qr[b * dim + b] < 0 ? -1 : 1;
      const y = q.subarray(b * dim, b * dim + dim);
      let chi2 = 0;
      for (let j = 0; j < dim; j++) {
        const z = zs[b * dim + j];
        chi2 += z * z;
      }
      const r = Math.sqrt(chi2);
      const row = (k0 + b) * D1;
      for (let j = 0; j < dim; j++) t[row + j] = sign * r * y[j];
    }
  }
  const perm = rng.permutation(nT);
  for (let k = 0; k < nT; k++) {
    const p = (perm[k] + rng.uniform()) / nT;
    t[k * D1 + dim] = normalQuantile(p > 0 ? p : Number.MIN_VALUE);
  }
  return t;
}

/**
 * Everything the analysis does to one manifold after the shared centre subspace is known
 * (docs/mftma.md §3–4): project the shared directions out of the globally centred points, centre the
 * manifold, scale it so its centre is at distance 1, rotate it into the span of its points (the QR
 * factor R), lift to (D+1) dimensions and compute α_M, R_M, D_M from anchor points.
 *
 * This is a plain-data function so that it can run in a worker thread (`parallelMap`).
 */
export function analyzeManifold(task: ManifoldTask): ManifoldTaskResult {
  return analyzePreparedManifold(prepareManifoldTask(task));
}

/** The second half of `analyzeManifold` (t-vectors and anchor points) as plain data for a worker. */
export interface PreparedManifoldTask {
  index: number;
  numPoints: number;
  kappa: number;
  nT: number;
  seed: number;
  balancedTVectors?: boolean;
  tVectors?: Float64Array;
  prep: PreparedManifold;
}

/** The first half of `analyzeManifold`: the reduction of §3, with its default (see `reduction`). */
export function prepareManifoldTask(task: ManifoldTask, scratch?: Float64Array): PreparedManifoldTask {
  const prep = prepareManifold({ ...task, reduction: task.reduction ?? (task.tVectors ? 'householder' : 'gram') }, scratch);
  const { index, numPoints, kappa, nT, seed, balancedTVectors, tVectors } = task;
  return { index, numPoints, kappa, nT, seed, balancedTVectors, tVectors, prep };
}

export function analyzePreparedManifold(task: PreparedManifoldTask): ManifoldTaskResult {
  const { prep } = task;
  const t = task.tVectors ?? drawTVectors(task.seed, task.index, task.nT, prep.dim, task.balancedTVectors ?? false);
  const g = anchorGeometry(prep.sD1, prep.dim, task.numPoints, t, task.nT, task.kappa);
  return {
    index: task.index,
    capacity: g.capacity,
    radius: g.radius,
    dimension: g.dimension,
    centerNorm: prep.centerNorm,
    spread: prep.spread,
    reducedDim: prep.dim,
    interior: g.interior,
    nnlsIterations: g.nnlsIterations,
    nnlsSolved: g.nnlsSolved,
    nnlsMaxIterations: g.nnlsMaxIterations,
  };
}
