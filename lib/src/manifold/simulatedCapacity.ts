import { InputError } from '../errors';
import { Rng } from '../random/rng';
import { householderQrInPlace } from './householderQr';
import { LinearSeparability } from './linearSeparability';
import { validateManifolds, asManifoldPoints, type PointSets } from './manifoldPoints';
import { SimdHeap } from '../simd/kernels';

/** Options of `simulatedCapacity`. */
export interface SimulatedCapacityOptions {
  /** Trials per N′. @default 50 (callers of the reference use 50–100) */
  nRep?: number;
  /** @default 0 */
  seed?: number;
  /** Bisection tolerance on p. @default 0.05 */
  pTol?: number;
  /** Bisection bracket. @default 2 and N */
  nMin?: number;
  nMax?: number;
  /** The reference's `reduced`: above 1500 features use 5 trials. @default true */
  reduced?: boolean;
}

export interface SimulatedCapacityResult {
  /** α_sim = P / N_c; NaN when the bracket does not contain p = 0.5 (as the reference). */
  capacity: number;
  Nc: number;
  numManifolds: number;
  /** Every (N′, p) evaluated, sorted by N′. */
  nVec: number[];
  pVec: number[];
  /** Separability tests run, and how many had a positive γ whose certificate failed the sign check. */
  trials: number;
  ambiguous: number;
  seconds: number;
}

/**
 * Simulated capacity, the direct check of MFTMA used for the paper's Fig. 1B (docs/mftma.md §6; the
 * reference is `manifold_simcap_analysis` of awakhloo/correlated_capacity): p(N′) is the fraction of
 * `nRep` trials in which a random balanced dichotomy of whole manifolds (P//2 labelled +1) is linearly
 * separable (with bias) after a random projection to N′ features; a bisection finds N_c with
 * p(N_c) = 0.5 and α_sim = P / N_c.
 *
 * As in the reference, p(N′) is a deterministic function of N′ for a given seed (the reference
 * re-seeds at every call): the label sets are drawn once from Rng.derive(seed, 'simcap-labels') and
 * each N′ draws its projections from Rng.derive(seed, 'simcap-projection', N′). Separability is
 * decided exactly (see LinearSeparability), not by a solver that may give up.
 *
 * Projection: the reference uses W ~ N(0,1)^{N×N′} with unit-norm columns. Separability does not
 * change when a projected feature is scaled by a positive number, so the column normalisation can be
 * dropped; and when N exceeds the number of points T, the data are first rotated into their span
 * (X = QR) and the Gaussian projection applied to R, because Qᵀg is again standard Gaussian. Both
 * steps leave the distribution of the separability outcomes exactly as in the reference.
 */
export function simulatedCapacity(points: PointSets, options: SimulatedCapacityOptions = {}): SimulatedCapacityResult {
  const manifolds = asManifoldPoints(points);
  const t0 = performance.now();
  validateManifolds(manifolds);
  const nRep = options.nRep ?? 50;
  const seed = options.seed ?? 0;
  const pTol = options.pTol ?? 0.05;
  const reduced = options.reduced ?? true;
  const P = manifolds.length;
  const N = manifolds[0].ambientDim;
  const nMin0 = options.nMin ?? 2;
  const nMax0 = options.nMax ?? N;
  if (!Number.isInteger(nRep) || nRep < 1) throw new InputError(`nRep must be a positive integer, got ${nRep}`);
  if (!Number.isInteger(nMin0) || !Number.isInteger(nMax0) || nMin0 < 1 || nMax0 <= nMin0)
    throw new InputError(`need integers 1 <= nMin < nMax, got ${nMin0}, ${nMax0}`);
  if (P < 2) throw new InputError('simulated capacity needs at least 2 manifolds');

  // All points, globally centred (the test is translation invariant; centring only helps rounding).
  const T = manifolds.reduce((s, m) => s + m.numPoints, 0);
  const owner = new Int32Array(T);
  let x = new Float64Array(T * N);
  let off = 0;
  manifolds.forEach((m, i) => {
    x.set(m.data, off * N);
    owner.fill(i, off, off + m.numPoints);
    off += m.numPoints;
  });
  const mean = new Float64Array(N);
  for (let t = 0; t < T; t++) for (let f = 0; f < N; f++) mean[f] += x[t * N + f] / T;
  for (let t = 0; t < T; t++) for (let f = 0; f < N; f++) x[t * N + f] -= mean[f];
  let dim = N;
  if (N > T) {
    const f = householderQrInPlace(x, N, T);
    const r = new Float64Array(T * T);
    for (let c = 0; c < T; c++) for (let i = 0; i <= c; i++) r[c * T + i] = f.qr[c * N + i];
    x = r;
    dim = T;
  }

  const labelRng = Rng.derive(seed, 'simcap-labels');
  const labelSets: Int8Array[] = [];
  for (let rep = 0; rep < nRep; rep++) {
    const lab = new Int8Array(P).fill(-1);
    for (const i of labelRng.sample(P, Math.floor(P / 2))) lab[i] = 1;
    labelSets.push(lab);
  }

  const sep = new LinearSeparability();
  let trials = 0;
  let ambiguous = 0;
  const cache = new Map<number, number>();
  // The projections z = x wᵀ run in the SIMD kernel `projectRows`, each entry the same sequential sum
  // over the features as a plain loop (so the same bits); in JavaScript they were half of the
  // geometry step's simulated-capacity time.
  const maxPrime = Math.max(nMin0, nMax0);
  const heap = new SimdHeap(SimdHeap.bytesFor([T * dim, maxPrime * dim, T * maxPrime, 2 * dim]));
  const xH = heap.f64(T * dim);
  xH.view.set(x.subarray(0, T * dim));
  const wH = heap.f64(maxPrime * dim);
  const zH = heap.f64(T * maxPrime);
  const wsH = heap.f64(2 * dim);
  const pOf = (nPrime: number): number => {
    const hit = cache.get(nPrime);
    if (hit !== undefined) return hit;
    const reps = reduced && nPrime > 1500 ? Math.min(5, nRep) : nRep;
    const rng = Rng.derive(seed, 'simcap-projection', nPrime);
    const w = wH.view.subarray(0, nPrime * dim);
    const z = zH.view.subarray(0, T * nPrime);
    const labels = new Float64Array(T);
    let nSep = 0;
    for (let rep = 0; rep < reps; rep++) {
      rng.fillNormal(w);
      heap.kernels.projectRows(xH.ptr, T, dim, wH.ptr, nPrime, zH.ptr, wsH.ptr);
      for (let t = 0; t < T; t++) labels[t] = labelSets[rep][owner[t]];
      const r = sep.test(z, T, nPrime, labels);
      trials++;
      if (r.ambiguous) ambiguous++;
      if (r.separable) nSep++;
    }
    const p = nSep / reps;
    cache.set(nPrime, p);
    return p;
  };

  // Bisection as the reference's bisection_Nc_general (flag_n = 2).
  let nMin = nMin0;
  let nMax = nMax0;
  let fmin = pOf(nMin) - 0.5;
  let fmax = pOf(nMax) - 0.5;
  const done = (capacity: number, Nc: number): SimulatedCapacityResult => {
    const pairs = [...cache.entries()].sort((a, b) => a[0] - b[0]);
    return {
      capacity,
      Nc,
      numManifolds: P,
      nVec: pairs.map((p) => p[0]),
      pVec: pairs.map((p) => p[1]),
      trials,
      ambiguous,
      seconds: (performance.now() - t0) / 1000,
    };
  };
  if (fmax + 0.5 === 0 || fmin * fmax > 0) return done(NaN, NaN);
  let nCur = Math.floor((nMin + nMax) / 2 + 0.5);
  let fcur = pOf(nCur) - 0.5;
  let err = Math.abs(fcur);
  let dN = Infinity;
  let iter = 0;
  while (err > pTol && dN > 1 && iter < 100) {
    iter++;
    if (fmin * fcur < 0) {
      nMax = nCur;
      fmax = fcur;
    } else {
      nMin = nCur;
      fmin = fcur;
    }
    nCur = Math.floor((nMin + nMax) / 2 + 0.5);
    fcur = pOf(nCur) - 0.5;
    err = Math.abs(fcur);
    dN = nMax - nMin;
  }
  // Interpolate between the last N′ with p < 0.5 and the first with p ≥ 0.5 (sorted by N′).
  const pairs = [...cache.entries()].sort((a, b) => a[0] - b[0]);
  let below = -1;
  let above = -1;
  pairs.forEach(([, p], i) => {
    if (p < 0.5) below = i;
    if (p >= 0.5 && above < 0) above = i;
  });
  if (below < 0 || above < 0) return done(NaN, NaN);
  const [nb, pb] = pairs[below];
  const [na, pa] = pairs[above];
  // np.interp(0.5, [pb, pa], [nb, na]) with pb < 0.5 <= pa.
  const Nc = pa === pb ? nb : nb + ((0.5 - pb) * (na - nb)) / (pa - pb);
  return done(P / Nc, Nc);
}
