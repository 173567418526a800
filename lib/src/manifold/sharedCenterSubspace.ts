/* The centre step of MFTMA (`sharedCenterSubspace`, docs/mftma.md §2): the subspace shared by the manifold
 * centres, removed before each manifold is analysed, with the faithful and stable ways to find it. */

import * as path from 'path';
import { WorkerPool } from '../parallel/workerPool';
import { Rng } from '../random/rng';
import { SimdHeap, withScratchHeap } from '../simd/kernels';
import { liftToAmbient, meanAbsCosine, type CenterGeometry } from './centerGeometry';
import { runCenterSubspaceJob, type CenterSubspaceJob, type CenterSubspaceJobResult } from './centerSubspaceRestart';
import { qFactorRowMajor, type StiefelCgOptions, type StiefelCgStopReason } from './stiefelConjugateGradient';

/** `faithful`: the reference's procedure; `stable`: a centre step that does not depend on the seed (see `sharedCenterSubspace`). */
export type AnalysisMode = 'faithful' | 'stable';

export interface StableSubspaceOptions {
  /** Pseudo-random restarts per K, from a fixed stream that does not depend on the seed, in addition
   * to the deterministic starts. @default 24 */
  randomRestarts: number;
  /** Line-search halvings before a step is rejected. pymanopt allows 10, after which CG stops on the
   * step size wherever it is — on centres that share one dominant direction most restarts then stop
   * after 2–7 iterations far from any minimum. @default 40 */
  maxBacktracks: number;
}

export const STABLE_SUBSPACE_DEFAULTS: StableSubspaceOptions = { randomRestarts: 24, maxBacktracks: 40 };

/** Seed of the fixed start set in stable mode: the centre step must not depend on the analysis seed. */
const STABLE_START_SEED = 0x5eed;

export interface SubspaceRestart {
  start: 'random' | 'warm' | 'principal';
  cost: number;
  stability: number;
  resCoeff: number;
  cgIterations: number;
  /** CG's stop reason, or 'notOrthogonal' when a finite result fails ‖VᵀV − I‖_F < 1e-10 (the reference's assertion). */
  stopReason: StiefelCgStopReason | 'notOrthogonal';
}

export interface SubspaceStep {
  K: number;
  /** Mean |cosine| between residual centres for the kept solution (the selection criterion for K*). */
  resCoeff: number;
  /** Cost F (½ Σ cos² incl. the P diagonal terms) at the kept solution. */
  cost: number;
  /** min_m ‖res_m‖/‖x_m‖ at the kept solution. */
  stability: number;
  /** ‖res_m‖/‖x_m‖ per centre at the kept solution (the reference's norm_coeff). */
  normCoeff: number[];
  /** Index into `restarts` of the kept solution, −1 if no restart was usable. */
  chosen: number;
  restarts: SubspaceRestart[];
}

export interface SharedCenterSubspace {
  /** K*: number of shared centre directions removed (0 when none could be). */
  K: number;
  /** Largest K the loop was allowed to reach: min(maxK, d − 1). */
  Kcap: number;
  /** Orthonormal basis of the removed subspace in ℝ^N, column-major N × K* (empty when K* = 0). */
  basis: Float64Array;
  steps: SubspaceStep[];
  warnings: string[];
}

export interface SharedCenterSubspaceOptions {
  mode: AnalysisMode;
  /** Restarts per K in faithful mode (the reference's n_reps). */
  nReps: number;
  seed: number;
  cg?: Partial<StiefelCgOptions>;
  stable?: Partial<StableSubspaceOptions>;
  /** Worker threads for the restarts (1: in this thread). Results do not depend on it. @default 1 */
  concurrency?: number;
  /** Already started restart workers (`startRestartWorkers`); used instead of starting new ones. */
  pool?: RestartPool;
}

/** Where restarts run: a `WorkerPool` of `runCenterSubspaceJob`, or the analysis's shared pool. */
export interface RestartPool {
  run(job: CenterSubspaceJob, index?: number, first?: boolean): Promise<CenterSubspaceJobResult>;
}

/**
 * Give each of `concurrency` restart workers a short restart on a small synthetic problem, so that
 * V8 has compiled the CG's JavaScript and the kernels before the real restarts arrive. Meant to be
 * called right after the workers are started, before the centre geometry is computed, which leaves
 * a core idle.
 */
export function warmUpRestartWorkers(pool: RestartPool, concurrency: number): void {
  const P = 32;
  const d = P - 1;
  const K = 3;
  const rng = Rng.derive(STABLE_START_SEED, 'warm-up');
  const coords = rng.fillNormal(new Float64Array(P * d));
  for (let w = 0; w < concurrency; w++) {
    pool.run({ coords, P, d, K, start: randomStiefel(rng, d, K), cg: { maxIterations: 150 } }).catch(() => undefined);
  }
}

const RESTART_MODULE = path.join(__dirname, 'centerSubspaceRestart.js');

function sharedCopy(a: Float64Array): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/** Residual rows X0 = X − XVVᵀ (P × d) for V (d × K). */
function residualRows(coords: Float64Array, P: number, d: number, v: Float64Array, K: number): Float64Array {
  const out = Float64Array.from(coords);
  const c = new Float64Array(K);
  for (let m = 0; m < P; m++) {
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += coords[m * d + i] * v[i * K + k];
      c[k] = s;
    }
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += c[k] * v[i * K + k];
      out[m * d + i] -= s;
    }
  }
  return out;
}

function normRatios(res: Float64Array, geom: CenterGeometry): number[] {
  const P = geom.numManifolds;
  const d = geom.basisDim;
  const out: number[] = [];
  for (let m = 0; m < P; m++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += res[m * d + i] ** 2;
    out.push(Math.sqrt(s) / geom.centerNorms[m]);
  }
  return out;
}

/** pymanopt Stiefel.rand(): Q (LAPACK signs) of the QR of a Gaussian d × K matrix. */
function randomStiefel(rng: Rng, d: number, K: number): Float64Array {
  const a = new Float64Array(d * K);
  rng.fillNormal(a);
  return qFactorRowMajor(a, d, K, false);
}

/** Orthonormalise the columns of a row-major d × K matrix (QR, positive diagonal). */
function orthonormalize(v: Float64Array, d: number, K: number): Float64Array {
  const a = new Float64Array(d * K);
  for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) a[k * d + i] = v[i * K + k];
  return qFactorRowMajor(a, d, K, true);
}

/**
 * Deterministic starts for stable mode at rank K:
 * - 'warm': the kept (K−1)-solution plus one new column, the data direction the reference meant to
 *   seed with (sᵀX, here with s = the residual centre of largest norm, which is deterministic);
 * - 'principal': the top K right singular directions of X (principal axes of the centres).
 */
function deterministicStarts(
  geom: CenterGeometry,
  K: number,
  prev: Float64Array | null,
  principal: Float64Array,
): { start: SubspaceRestart['start']; v: Float64Array }[] {
  const P = geom.numManifolds;
  const d = geom.basisDim;
  const starts: { start: SubspaceRestart['start']; v: Float64Array }[] = [];
  {
    const v = new Float64Array(d * K);
    for (let i = 0; i < d; i++) for (let k = 0; k < K; k++) v[i * K + k] = principal[i * d + k];
    starts.push({ start: 'principal', v: orthonormalize(v, d, K) });
  }
  if (prev) {
    const res = residualRows(geom.coords, P, d, prev, K - 1);
    let best = -1;
    let bestNorm = -1;
    for (let m = 0; m < P; m++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += res[m * d + i] ** 2;
      if (s > bestNorm) {
        bestNorm = s;
        best = m;
      }
    }
    const v = new Float64Array(d * K);
    for (let i = 0; i < d; i++) {
      for (let k = 0; k < K - 1; k++) v[i * K + k] = prev[i * (K - 1) + k];
      v[i * K + K - 1] = res[best * d + i];
    }
    starts.push({ start: 'warm', v: orthonormalize(v, d, K) });
  }
  return starts;
}

/** Right singular vectors of X (P × d) as the columns of a d × d row-major matrix, by Jacobi on XᵀX. */
function principalAxes(coords: Float64Array, P: number, d: number): Float64Array {
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let m = 0; m < P; m++) s += coords[m * d + i] * coords[m * d + j];
      a[i * d + j] = s;
      a[j * d + i] = s;
    }
  }
  // Cyclic Jacobi (at most 60 sweeps, until the off-diagonal mass is below 1e-30 of the whole):
  // d ≤ P − 1 is small and this runs once per analysis, but in JavaScript it took 50 ms of the
  // calling thread while the restarts ran; the kernel makes the same rotations.
  const v = new Float64Array(d * d);
  withScratchHeap(SimdHeap.bytesFor([d * d, d * d]), (heap) => {
    const ah = heap.f64(d * d);
    const vh = heap.f64(d * d);
    ah.view.set(a);
    vh.view.fill(0); // the scratch heap is not cleared between uses
    for (let i = 0; i < d; i++) vh.view[i * d + i] = 1;
    heap.kernels.jacobiSweeps(ah.ptr, vh.ptr, d, 60);
    a.set(ah.view);
    v.set(vh.view);
  });
  // Sort columns by eigenvalue, descending; fix each column's sign (largest entry positive).
  const order = Array.from({ length: d }, (_, i) => i).sort((x, y) => a[y * d + y] - a[x * d + x] || x - y);
  const out = new Float64Array(d * d);
  order.forEach((col, j) => {
    let big = 0;
    for (let i = 0; i < d; i++) if (Math.abs(v[i * d + col]) > Math.abs(big)) big = v[i * d + col];
    const sign = big < 0 ? -1 : 1;
    for (let i = 0; i < d; i++) out[i * d + j] = sign * v[i * d + col];
  });
  return out;
}

function orthogonalityError(v: Float64Array, d: number, K: number): number {
  let s = 0;
  for (let a = 0; a < K; a++) {
    for (let b = 0; b < K; b++) {
      let x = 0;
      for (let i = 0; i < d; i++) x += v[i * K + a] * v[i * K + b];
      s += (x - (a === b ? 1 : 0)) ** 2;
    }
  }
  return Math.sqrt(s);
}

/**
 * Centre-correlation removal — the reference's `fun_FA` (docs/mftma.md §2): for K = 1, 2, … find
 * V ∈ St(d, K) minimising the sum of squared residual cosines of the centred centres, keep one
 * solution per K, stop after three consecutive increases of the mean |residual cosine| (`res_coeff`),
 * and return K* = argmin_K res_coeff with its subspace lifted to ℝ^N.
 *
 * Two ways to produce and choose the per-K solution:
 * - `faithful`: what the reference runs. Each of n_reps restarts begins at a fresh random point of
 *   St(d, K) (pymanopt's `Stiefel.rand()`: Q of the QR of a Gaussian d × K matrix; the V0 the reference
 *   builds is never passed to the solver), and the restart with the largest "stability"
 *   min_m ‖res_m‖/‖x_m‖ is kept (strictly larger than the best so far, starting from 0).
 * - `stable`: the same objective and the same stability rule, but over a start set that is a fixed
 *   function of the centres — the top-K principal axes of the centres, the warm start the reference
 *   meant to use (the kept (K−1)-solution plus one data direction), and `randomRestarts` starts from
 *   a fixed pseudo-random stream that ignores the analysis seed — and with a line search that may
 *   backtrack further, so that restarts end at minima rather than where pymanopt's 10 halvings ran
 *   out. The centre step is then deterministic (README.md here).
 *
 * Small P: at K = d the residuals vanish and the cost is 0/0, where the reference crashes (P ≤ 7 in
 * practice); here K never exceeds d − 1 (= P − 2 when N ≥ P − 1). If d − 1 < 1 (P = 2) nothing can be
 * removed and K* = 0.
 */
export async function sharedCenterSubspace(geom: CenterGeometry, options: SharedCenterSubspaceOptions): Promise<SharedCenterSubspace> {
  const P = geom.numManifolds;
  const d = geom.basisDim;
  const warnings: string[] = [];
  const Kcap = Math.min(geom.maxK, d - 1);
  const steps: SubspaceStep[] = [];
  const kept: Float64Array[] = [];
  if (Kcap < 1) {
    warnings.push(`no centre direction can be removed with P = ${P}, N = ${geom.ambientDim} (basis dimension ${d}); K = 0`);
    return { K: 0, Kcap, basis: new Float64Array(0), steps, warnings };
  }
  const stableOpt = { ...STABLE_SUBSPACE_DEFAULTS, ...options.stable };
  // Computed when first needed: after the random restarts of K = 1…5 are queued, so that the workers
  // start on those while this thread diagonalises.
  let principalCache: Float64Array | null = null;
  const principal = () => (principalCache ??= principalAxes(geom.coords, P, d));
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const cg = options.mode === 'stable' ? { maxBacktracks: stableOpt.maxBacktracks, ...options.cg } : options.cg;
  // One pool for the whole K loop (workers when asked for and the problem is large enough to pay).
  const ownPool =
    !options.pool && concurrency > 1
      ? new WorkerPool<CenterSubspaceJob, CenterSubspaceJobResult>(
          { module: RESTART_MODULE, exportName: 'runCenterSubspaceJob' },
          concurrency,
        )
      : null;
  const pool = options.pool ?? ownPool;
  // Every restart job carries the centres' coordinates (P × d). In shared memory a job posts a view
  // of them instead of a copy: 129 copies of 80 KB cost the calling thread 70 ms on the README case.
  const coords = pool ? sharedCopy(geom.coords) : geom.coords;
  try {
    await kLoop(Kcap, options.mode, {
      randomStarts: (K) => randomStarts(K, d, options, stableOpt),
      principalStart: (K) => (options.mode === 'stable' ? deterministicStarts(geom, K, null, principal())[0] : null),
      warmStart: (K, prev) => (options.mode === 'stable' && prev ? deterministicStarts(geom, K, prev, principal())[1] : null),
      submit: (K, start, first = false) => {
        const job: CenterSubspaceJob = { coords, P, d, K, start, cg };
        return pool ? pool.run(job, K, first) : Promise.resolve(runCenterSubspaceJob(job));
      },
      keep: (K, starts, results) => {
        const step = keptStep(geom, K, starts, results, options.mode);
        steps.push(step.step);
        if (!step.v) {
          warnings.push(`K = ${K}: no restart gave a usable solution (all residual norms zero or NaN); stopping the K loop`);
          return null;
        }
        kept.push(step.v);
        return step.v;
      },
      earlyStop: (K) => risingThreeTimes(steps, K),
    });
  } finally {
    await ownPool?.close();
  }
  if (Kcap < geom.maxK && steps.length > 0 && steps[steps.length - 1].K === Kcap) {
    warnings.push(
      `K capped at ${Kcap} (= basis dimension ${d} − 1; the reference's maxK is ${geom.maxK}): at K = ${d} every residual centre vanishes and the cost is 0/0, where the reference fails`,
    );
  }
  if (kept.length === 0) return { K: 0, Kcap, basis: new Float64Array(0), steps, warnings };
  const Kstar = argminResCoeff(steps, kept.length);
  return { K: Kstar, Kcap, basis: liftToAmbient(geom, kept[Kstar - 1], Kstar), steps, warnings };
}

type Start = { start: SubspaceRestart['start']; v: Float64Array };

/** What the K loop asks of its caller. */
interface KLoopSteps {
  /** The random restarts of one K (they do not depend on the previous K's solution). */
  randomStarts(K: number): Start[];
  /** Stable mode's principal-axes start of one K (null: none); it goes before the random ones. */
  principalStart(K: number): Start | null;
  /** Stable mode's warm start from the kept (K−1)-solution (null: none). */
  warmStart(K: number, prev: Float64Array | null): Start | null;
  /** Start one restart; without workers it runs here, now. `first`: ahead of the queued ones. */
  submit(K: number, start: Float64Array, first?: boolean): Promise<CenterSubspaceJobResult>;
  /** Record one K from its restarts' results; the kept solution, or null when none was usable (the loop stops). */
  keep(K: number, starts: Start[], results: CenterSubspaceJobResult[]): Float64Array | null;
  /** The early stop of docs/mftma.md §2, after K has been recorded. */
  earlyStop(K: number): boolean;
}

/**
 * The K loop of docs/mftma.md §2, K = 1 … Kcap, ending early on a K without a usable restart or on the
 * early stop. The early stop cannot fire before K = 5, so the restarts of K = 1…5 that do not need the
 * previous solution (all of faithful's, stable's principal and random ones) are queued at once,
 * largest K first in faithful mode (a restart costs ∝ K per iteration and needs more iterations at
 * larger K, so no long one is left running alone at the end). Stable mode queues K = 1 first and puts
 * each warm start, once its (K−1)-solution is kept, at the head of the queue. Later K run one at a
 * time. The restarts and their order in the diagnostics are those of a plain K-by-K loop, so the
 * results are too.
 */
async function kLoop(Kcap: number, mode: AnalysisMode, steps: KLoopSteps): Promise<void> {
  const first = Math.min(5, Kcap);
  type Queued = { starts: Start[]; results: Promise<CenterSubspaceJobResult>[] };
  const queued = new Map<number, Queued>();
  const order = Array.from({ length: first }, (_, i) => (mode === 'faithful' ? first - i : i + 1));
  const queueRandom = (K: number): Queued => {
    const starts = steps.randomStarts(K);
    return { starts, results: starts.map((s) => steps.submit(K, s.v)) };
  };
  // The principal start goes first in the restart order (before the warm and random ones).
  const queuePrincipal = (K: number, q: Queued): void => {
    const p = steps.principalStart(K);
    if (p) {
      q.starts.unshift(p);
      q.results.unshift(steps.submit(K, p.v));
    }
  };
  for (const K of order) queued.set(K, queueRandom(K));
  for (const K of order) queuePrincipal(K, queued.get(K)!);
  for (const q of queued.values()) for (const r of q.results) r.catch(() => undefined); // surfaced when awaited
  let prev: Float64Array | null = null;
  for (let K = 1; K <= Kcap; K++) {
    const q =
      queued.get(K) ??
      (() => {
        const later = queueRandom(K);
        queuePrincipal(K, later);
        return later;
      })();
    const starts = [...q.starts];
    const results = [...q.results];
    const warm = steps.warmStart(K, prev);
    if (warm) {
      // Same position as in deterministicStarts: principal, warm, random…
      starts.splice(1, 0, warm);
      results.splice(1, 0, steps.submit(K, warm.v, true));
    }
    prev = steps.keep(K, starts, await Promise.all(results));
    if (!prev) break;
    if (steps.earlyStop(K)) break;
  }
}

/**
 * The random starts of one K (docs/mftma.md §2, restarts): faithful mode's n_reps fresh Stiefel points
 * from the analysis seed, as pymanopt draws them; stable mode's `randomRestarts` from a fixed stream
 * that ignores the seed (§11, stable mode item 1).
 */
function randomStarts(K: number, d: number, options: SharedCenterSubspaceOptions, stableOpt: StableSubspaceOptions): Start[] {
  const starts: Start[] = [];
  if (options.mode === 'faithful') {
    for (let rep = 0; rep < options.nReps; rep++)
      starts.push({ start: 'random', v: randomStiefel(Rng.derive(options.seed, 'fun_FA', K, rep), d, K) });
  } else {
    for (let rep = 0; rep < stableOpt.randomRestarts; rep++)
      starts.push({ start: 'random', v: randomStiefel(Rng.derive(STABLE_START_SEED, 'stable-start', K, rep), d, K) });
  }
  return starts;
}

/**
 * Score every restart of one K and keep one (docs/mftma.md §2, restarts and the kept solution): per
 * restart its cost, stability min_m ‖res_m‖/‖x_m‖ (NaN when it failed the orthogonality assertion),
 * res_coeff and CG record; the kept one by `chosenRestart`, with its residual norms (norm_coeff).
 * `v` is null when no restart was usable.
 */
function keptStep(
  geom: CenterGeometry,
  K: number,
  starts: Start[],
  results: CenterSubspaceJobResult[],
  mode: AnalysisMode,
): { step: SubspaceStep; v: Float64Array | null } {
  const P = geom.numManifolds;
  const d = geom.basisDim;
  const restarts: SubspaceRestart[] = starts.map((s, j) => {
    const res = results[j];
    const finite = res.stopReason !== 'nonFinite';
    const orthoOk = finite && orthogonalityError(res.x, d, K) < 1e-10;
    const resid = residualRows(geom.coords, P, d, res.x, K);
    const ratios = normRatios(resid, geom);
    return {
      start: s.start,
      cost: res.cost,
      stability: orthoOk ? Math.min(...ratios) : NaN,
      resCoeff: meanAbsCosine(resid, P, d),
      cgIterations: res.iterations,
      stopReason: !finite ? 'nonFinite' : orthoOk ? res.stopReason : 'notOrthogonal',
    };
  });
  const chosen = chosenRestart(restarts, mode);
  if (chosen < 0) return { step: { K, resCoeff: NaN, cost: NaN, stability: NaN, normCoeff: [], chosen, restarts }, v: null };
  const v = results[chosen].x;
  const resid = residualRows(geom.coords, P, d, v, K);
  const normCoeff = normRatios(resid, geom);
  return {
    step: {
      K,
      resCoeff: meanAbsCosine(resid, P, d),
      cost: restarts[chosen].cost,
      stability: Math.min(...normCoeff),
      normCoeff,
      chosen,
      restarts,
    },
    v,
  };
}

/**
 * The reference's stability rule (docs/mftma.md §2): the restart with the largest min_m ‖res_m‖/‖x_m‖,
 * strictly above the best so far, starting from 0; −1 when none is positive. In stable mode the start
 * set is larger and fixed, and exact ties go to the lower cost, so the choice is a deterministic
 * function of the centres.
 */
function chosenRestart(restarts: SubspaceRestart[], mode: AnalysisMode): number {
  let chosen = -1;
  let best = 0;
  restarts.forEach((r, i) => {
    if (r.stability > best) {
      best = r.stability;
      chosen = i;
    } else if (mode === 'stable' && chosen >= 0 && r.stability === best && r.cost < restarts[chosen].cost) {
      chosen = i;
    }
  });
  return chosen;
}

/** The early stop of docs/mftma.md §2: after step K, stop if K > 4 and res_coeff rose three times in a row. */
function risingThreeTimes(steps: SubspaceStep[], K: number): boolean {
  const n = steps.length;
  return (
    K > 4 &&
    steps[n - 1].resCoeff > steps[n - 2].resCoeff &&
    steps[n - 2].resCoeff > steps[n - 3].resCoeff &&
    steps[n - 3].resCoeff > steps[n - 4].resCoeff
  );
}

/** K* = argmin_K res_coeff over the first `count` steps (docs/mftma.md §2, choice of K; the first on ties). */
function argminResCoeff(steps: SubspaceStep[], count: number): number {
  let Kstar = 1;
  for (let i = 0; i < count; i++) if (steps[i].resCoeff < steps[Kstar - 1].resCoeff) Kstar = i + 1;
  return Kstar;
}
