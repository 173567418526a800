/* MFTMA of P manifolds (`manifoldAnalysis`): the steps of docs/mftma.md §0–4 in order, each in its own file
 * (lib/src/manifold/README.md, "What runs"), and the aggregates the paper reports. */

import { checkOptions, InputError } from '../errors';
import { checkSeed } from '../random/rng';
import { checkAnalysisSettings } from './analysisSettings';
import { defaultConcurrency } from '../parallel/workerPool';
import { analysisPool } from './analysisPool';
import {
  analyzeManifold,
  analyzePreparedManifold,
  prepareManifoldTask,
  type ManifoldTask,
  type ManifoldTaskResult,
  type PreparedManifold,
  type PreparedManifoldTask,
} from './analyzeManifold';
import { centerGeometry, type CenterGeometry } from './centerGeometry';
import { validateManifolds, type ManifoldPoints, asManifoldPoints, type PointSets } from './manifoldPoints';
import { randomProjection } from './randomProjection';
import {
  sharedCenterSubspace,
  type RestartPool,
  STABLE_SUBSPACE_DEFAULTS,
  type AnalysisMode,
  type SharedCenterSubspace,
  type StableSubspaceOptions,
  type SubspaceStep,
} from './sharedCenterSubspace';
import type { StiefelCgOptions } from './stiefelConjugateGradient';
import type { CenterSubspaceJobResult } from './centerSubspaceRestart';

/** Options of `manifoldAnalysis`; an unknown key is refused (`MANIFOLD_ANALYSIS_OPTIONS`). */
export interface ManifoldAnalysisOptions {
  /** Margin κ. @default 0 */
  kappa?: number;
  /** Number of Gaussian t-vectors per manifold, n_t. @default 200 */
  nT?: number;
  /** Random restarts per K of the centre-correlation optimiser in faithful mode (the reference's n_reps). @default 1 */
  nReps?: number;
  /** Seed for t-vectors, Stiefel starts and the projection. Same seed, same result. @default 0 */
  seed?: number;
  /** Remove the shared centre subspace (the reference's fun_FA) before the per-manifold analysis. @default true */
  centerCorrelation?: boolean;
  /** Random Gaussian projection to this many features when N is larger. @default 5000 */
  projectionDim?: number;
  /** 'faithful' reproduces the reference's procedure; 'stable' makes the centre step seed-independent
   * and handles degenerate manifolds (README.md in this folder). @default 'stable' */
  mode?: AnalysisMode;
  /** Fixed t-vectors per manifold, each n_t × (D_i+1) row-major with D_i = min(N, M_i) (tests). */
  tVectors?: Float64Array[];
  /** Worker threads for the per-manifold analysis; 'auto' uses them when the work is large enough. @default 'auto' */
  concurrency?: number | 'auto';
  /** Options of the Stiefel conjugate gradient (defaults: pymanopt 0.2.4's). */
  cg?: Partial<StiefelCgOptions>;
  /** Stable-mode settings. */
  stable?: Partial<StableOptions>;
  /** Advanced: a centre step already computed by `sharedCenterSubspace` for these same manifolds and
   * settings (stable mode's does not depend on the seed; manifoldAnalysisSeeds reuses it). */
  centerSubspace?: SharedCenterSubspace;
  /** Advanced: the §3 reduction of each manifold (`prepareManifold`, Gram reduction) for exactly this
   * centre subspace; seed-independent, so manifoldAnalysisSeeds shares it across seeds. Not with tVectors. */
  prepared?: PreparedManifold[];
}

export interface StableOptions extends StableSubspaceOptions {
  /** Degenerate needs a centre norm after removal below this fraction of the manifold's spread… @default 0.1 */
  degenerateRatio: number;
  /** …and a centre the centre step shrank (after/before) below this fraction of the median manifold's. @default 0.5 */
  degenerateShrink: number;
}

export const STABLE_DEFAULTS: StableOptions = { ...STABLE_SUBSPACE_DEFAULTS, degenerateRatio: 0.1, degenerateShrink: 0.5 };

/**
 * Stable mode's rule for degenerate manifolds (README.md "Modes"): manifold i is degenerate when
 *   centerNorm_i < degenerateRatio · spread_i            (its centre is tiny against its spread), and
 *   kept_i < degenerateShrink · median_j kept_j          (the centre step made it so),
 * with kept_i = centre norm after / before the shared-subspace removal. The second condition spares
 * manifolds whose centre is small by nature (an unstructured cloud of M points has centre/spread
 * ≈ 1/√M) and targets the artefact: a removed direction that cancels one manifold's centre.
 */
export function degenerateManifolds(
  centerNorm: number[],
  spread: number[],
  centerNormBefore: number[],
  opt: Pick<StableOptions, 'degenerateRatio' | 'degenerateShrink'>,
): boolean[] {
  const kept = centerNorm.map((c, i) => c / centerNormBefore[i]);
  const sorted = [...kept].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return centerNorm.map((c, i) => !(c >= opt.degenerateRatio * spread[i]) && !(kept[i] >= opt.degenerateShrink * median));
}

export interface PerManifold {
  capacity: number[];
  radius: number[];
  dimension: number[];
}

export interface ManifoldAnalysisDiagnostics {
  /** Per manifold: centre norm after removal (before normalisation), RMS spread of its points about
   * that centre, their ratio, reduced dimension D_i, interior t-vectors, NNLS iterations, degenerate flag. */
  perManifold: {
    centerNorm: number[];
    /** ‖c_i − x̄‖: the centre norm before the shared-subspace removal. */
    centerNormBefore: number[];
    spread: number[];
    centerNormRatio: number[];
    reducedDim: number[];
    interior: number[];
    nnlsIterations: number[];
    degenerate: boolean[];
  };
  /** Centre-correlation removal: per-K results of the kept solution and every restart. */
  centerSubspace: {
    maxK: number;
    Kcap: number;
    centerSvCumFrac: number[];
    resCoeffByK: number[];
    costByK: number[];
    stabilityByK: number[];
    chosenRestartByK: number[];
    restartsPerK: number;
    steps: SubspaceStep[];
  };
  /** Solver status counts. */
  solver: {
    nnlsSolved: number;
    nnlsIterations: number;
    nnlsMaxIterations: number;
    cgRuns: number;
    cgIterations: number;
    cgStopReasons: Record<string, number>;
  };
  projection: { applied: boolean; fromDim: number; toDim: number };
  /** How degenerate manifolds were handled (stable mode), in words. */
  degenerateRule: string;
  warnings: string[];
  workers: number;
  /** Wall seconds per phase. */
  timing: { projection: number; centerGeometry: number; centerSubspace: number; perManifold: number };
}

export interface ManifoldAnalysisResult {
  mode: AnalysisMode;
  /** α = 1 / mean_i(1/α_i) over the manifolds used (all of them in faithful mode). */
  capacity: number;
  /** R = mean_i R_i. */
  radius: number;
  /** D = mean_i D_i. */
  dimension: number;
  /** ρ_c: mean |cos| between centred centres (before any removal). */
  centerCorrelation: number;
  /** K: shared centre directions removed. */
  K: number;
  /** Per-manifold values in input order (degenerate ones included, and flagged in diagnostics). */
  perManifold: PerManifold;
  diagnostics: ManifoldAnalysisDiagnostics;
  params: {
    kappa: number;
    nT: number;
    nReps: number;
    seed: number;
    centerCorrelation: boolean;
    projectionDim: number;
    mode: AnalysisMode;
    numManifolds: number;
    ambientDim: number;
    pointsPerManifold: number[];
  };
  seconds: number;
}

interface Resolved {
  kappa: number;
  nT: number;
  nReps: number;
  seed: number;
  centerCorrelation: boolean;
  projectionDim: number;
  mode: AnalysisMode;
  stable: StableOptions;
}

/** Every option `manifoldAnalysis` knows (unknown ones are refused: a typo must not mean the default). */
export const MANIFOLD_ANALYSIS_OPTIONS = [
  'kappa',
  'nT',
  'nReps',
  'seed',
  'centerCorrelation',
  'projectionDim',
  'mode',
  'tVectors',
  'concurrency',
  'cg',
  'stable',
  'centerSubspace',
  'prepared',
] as const;

function resolve(options: ManifoldAnalysisOptions): Resolved {
  checkOptions(options, 'manifoldAnalysis', MANIFOLD_ANALYSIS_OPTIONS);
  const r: Resolved = {
    kappa: options.kappa ?? 0,
    nT: options.nT ?? 200,
    nReps: options.nReps ?? 1,
    seed: options.seed ?? 0,
    centerCorrelation: options.centerCorrelation ?? true,
    projectionDim: options.projectionDim ?? 5000,
    mode: options.mode ?? 'stable',
    stable: { ...STABLE_DEFAULTS, ...options.stable },
  };
  // The settings it shares with every analysis are checked by their one validation (this option is `nT`).
  checkAnalysisSettings(r, (k) => (k === 'nT' ? 'nT (n_t)' : k), ['kappa', 'nT', 'projectionDim', 'mode']);
  if (!Number.isInteger(r.nReps) || r.nReps < 1) throw new InputError(`nReps must be a positive integer, got ${options.nReps}`);
  checkSeed(r.seed, 'seed');
  return r;
}

/** Rough flop count of the per-manifold work, to decide whether worker threads pay for their start-up. */
function workEstimate(manifolds: ManifoldPoints[], nT: number): number {
  let w = 0;
  for (const m of manifolds) {
    const D = Math.min(m.ambientDim, m.numPoints);
    w += 2 * m.ambientDim * m.numPoints * m.numPoints + nT * D * m.numPoints * 8;
  }
  return w;
}

function pointSumSqRms(sumSq: number, M: number, cx: number, meanSq: number): number {
  return Math.sqrt(Math.max(0, sumSq / M - 2 * cx + meanSq));
}

function mean(a: number[]): number {
  return a.reduce((s, x) => s + x, 0) / a.length;
}

/**
 * Replica mean-field theoretic manifold analysis (MFTMA; Chung, Lee & Sompolinsky, PRX 2018; Cohen
 * et al. 2020) of P object manifolds, as the reference `manifold_analysis_corr` computes it
 * (docs/mftma.md): optional random projection, centre-correlation removal, per-manifold anchor points,
 * and the aggregates the paper reports. Resolves to the aggregates, per-manifold values and diagnostics.
 *
 * @example
 * const manifolds = manifoldsFromNpy(readNpy('acts.npy'));        // (P, M, N)
 * const r = await manifoldAnalysis(manifolds, { seed: 0 });        // stable mode, κ = 0, n_t = 200
 * r.capacity; r.radius; r.dimension; r.centerCorrelation; r.K;
 */
export async function manifoldAnalysis(points: PointSets, options: ManifoldAnalysisOptions = {}): Promise<ManifoldAnalysisResult> {
  // The steps: random projection (docs/mftma.md §0), centre geometry and the shared centre subspace
  // (§1–2), the per-manifold reduction and anchor points (§3–4), stable mode's degenerate manifolds
  // and the aggregates (§11, §0).
  const t0 = performance.now();
  const manifoldsIn = asManifoldPoints(points);
  validateManifolds(manifoldsIn);
  const opt = resolve(options);
  const P = manifoldsIn.length;
  const N0 = manifoldsIn[0].ambientDim;
  const warnings: string[] = [];
  if (options.tVectors && options.tVectors.length !== P)
    throw new InputError(`tVectors: need one array per manifold (${P}), got ${options.tVectors.length}`);

  const { manifolds, projected } = projectIfWide(manifoldsIn, opt);
  const N = manifolds[0].ambientDim;
  const t1 = performance.now();

  const conc = options.concurrency ?? 'auto';
  // Worker threads for the two parallel phases, decided up front so that one pool (kept between
  // analyses, analysisPool.ts) serves both: the centre step pays for them once the Stiefel problems are large (cost ∝ P² per
  // evaluation), the per-manifold step once the reduction and NNLS work is.
  const centerWorkers =
    opt.centerCorrelation && !options.centerSubspace ? (conc === 'auto' ? (P >= 64 ? defaultConcurrency() : 1) : Math.max(1, conc)) : 1;
  const manifoldWorkers =
    conc === 'auto' ? (workEstimate(manifolds, opt.nT) > 3e8 ? Math.min(defaultConcurrency(), P) : 1) : Math.max(1, Math.min(conc, P));
  const poolSize = Math.max(centerWorkers, manifoldWorkers);
  const pool = poolSize > 1 ? analysisPool(poolSize) : null;
  const restarts: RestartPool | null =
    pool && centerWorkers > 1
      ? { run: (job, index, first) => pool.run({ restart: job }, index, first) as Promise<CenterSubspaceJobResult> }
      : null;
  const { geom, sub, geometryDone: t2 } = await centerStep(manifolds, projected, opt, options, centerWorkers, restarts);
  const t3 = performance.now();
  const tasks = manifoldTasks(manifolds, geom, sub, opt, options.tVectors);
  const anchors =
    pool && manifoldWorkers > 1 ? (task: PreparedManifoldTask) => pool.run({ anchors: task }) as Promise<ManifoldTaskResult> : null;
  const results = await analyzeEachManifold(tasks, opt, options.prepared, options.tVectors, anchors);
  const t4 = performance.now();
  const workers = manifoldWorkers;
  warnings.push(...sub.warnings);
  if (opt.mode === 'faithful') checkCentersSurviveRemoval(results);

  const perManifold: PerManifold = {
    capacity: results.map((r) => r.capacity),
    radius: results.map((r) => r.radius),
    dimension: results.map((r) => r.dimension),
  };
  const centerNormBefore = centerNormsBeforeRemoval(geom, P, N);
  const { degenerate, use, degenerateRule } = degenerateSelection(results, centerNormBefore, opt, warnings);
  const { capacity, radius, dimension } = aggregate(perManifold, use);

  const diagnostics: ManifoldAnalysisDiagnostics = {
    perManifold: {
      centerNorm: results.map((r) => r.centerNorm),
      centerNormBefore,
      spread: results.map((r) => r.spread),
      centerNormRatio: results.map((r) => r.centerNorm / r.spread),
      reducedDim: results.map((r) => r.reducedDim),
      interior: results.map((r) => r.interior),
      nnlsIterations: results.map((r) => r.nnlsIterations),
      degenerate,
    },
    centerSubspace: centerSubspaceDiagnostics(geom, sub),
    solver: solverCounts(results, sub),
    projection: { applied: projected, fromDim: N0, toDim: N },
    degenerateRule,
    warnings,
    workers,
    timing: {
      projection: (t1 - t0) / 1000,
      centerGeometry: (t2 - t1) / 1000,
      centerSubspace: (t3 - t2) / 1000,
      perManifold: (t4 - t3) / 1000,
    },
  };
  return {
    mode: opt.mode,
    capacity,
    radius,
    dimension,
    centerCorrelation: geom.centerCorrelation,
    K: sub.K,
    perManifold,
    diagnostics,
    params: {
      kappa: opt.kappa,
      nT: opt.nT,
      nReps: opt.nReps,
      seed: opt.seed,
      centerCorrelation: opt.centerCorrelation,
      projectionDim: opt.projectionDim,
      mode: opt.mode,
      numManifolds: P,
      ambientDim: N0,
      pointsPerManifold: manifoldsIn.map((m) => m.numPoints),
    },
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The random Gaussian projection of the PyTorch wrapper (docs/mftma.md §0; rows of unit norm from a
 * seeded sub-stream, §11), applied only when N exceeds the projection dimension.
 */
function projectIfWide(manifolds: ManifoldPoints[], opt: Resolved): { manifolds: ManifoldPoints[]; projected: boolean } {
  const projected = manifolds[0].ambientDim > opt.projectionDim;
  return { manifolds: projected ? randomProjection(manifolds, opt.projectionDim, opt.seed) : manifolds, projected };
}

/**
 * Centring and centre-correlation removal (docs/mftma.md §1–2): the centre geometry, the check that
 * every centre has a direction (§11, degenerate input), then the shared centre subspace — the one
 * given, none when centre correlation is off, or `sharedCenterSubspace`'s. Restart workers start (and
 * warm up) while this thread computes the centre geometry. `geometryDone`: when the geometry was ready.
 */
async function centerStep(
  manifolds: ManifoldPoints[],
  projected: boolean,
  opt: Resolved,
  options: ManifoldAnalysisOptions,
  centerWorkers: number,
  restarts: RestartPool | null,
): Promise<{ geom: CenterGeometry; sub: SharedCenterSubspace; geometryDone: number }> {
  const N = manifolds[0].ambientDim;
  const geom = centerGeometry(manifolds);
  checkCentersOffGlobalMean(manifolds, geom, projected);
  const geometryDone = performance.now();
  if (options.centerSubspace && options.centerSubspace.basis.length !== options.centerSubspace.K * N)
    throw new InputError(`centerSubspace: basis does not match ${N} features and K = ${options.centerSubspace.K}`);
  const sub = !opt.centerCorrelation
    ? { K: 0, Kcap: 0, basis: new Float64Array(0), steps: [] as SubspaceStep[], warnings: [] as string[] }
    : (options.centerSubspace ??
      (await sharedCenterSubspace(geom, {
        mode: opt.mode,
        nReps: opt.nReps,
        seed: opt.seed,
        cg: options.cg,
        stable: opt.stable,
        concurrency: centerWorkers,
        pool: restarts ?? undefined,
      })));
  return { geom, sub, geometryDone };
}

/**
 * Refuse a manifold whose centre coincides with the global mean (docs/mftma.md §11, degenerate input):
 * §3 divides by its centre norm. The offset is compared with the RMS distance of the manifold's points
 * from the global mean, a scale that needs no centre direction.
 */
function checkCentersOffGlobalMean(manifolds: ManifoldPoints[], geom: CenterGeometry, projected: boolean): void {
  const N = manifolds[0].ambientDim;
  let meanSq = 0;
  for (let f = 0; f < N; f++) meanSq += geom.globalMean[f] * geom.globalMean[f];
  manifolds.forEach((m, i) => {
    let off = 0;
    let cSq = 0;
    let cx = 0;
    for (let f = 0; f < N; f++) {
      const c = geom.centers[i * N + f];
      off += (c - geom.globalMean[f]) ** 2;
      cSq += c * c;
      cx += c * geom.globalMean[f];
    }
    // rms² = mean_s ‖x_s − x̄‖² = Σ‖x_s‖²/M − 2c·x̄ + ‖x̄‖², from sums the centre pass already has.
    // That cancels when the points sit far from the origin; there (and whenever the test is close)
    // the points are read again.
    const quick = pointSumSqRms(geom.pointSumSq[i], m.numPoints, cx, meanSq);
    let rms = quick;
    if (!(quick * quick > 1e-6 * (cSq + meanSq)) || !(Math.sqrt(off) > 1e-6 * quick)) {
      rms = 0;
      for (let s = 0; s < m.numPoints; s++) for (let f = 0; f < N; f++) rms += (m.data[s * N + f] - geom.globalMean[f]) ** 2;
      rms = Math.sqrt(rms / m.numPoints);
    }
    if (!(Math.sqrt(off) > 1e-10 * rms)) {
      throw new InputError(
        `manifold ${i}: its centre coincides with the global mean of all points${projected ? ' after the random projection' : ''}, so it has no centre direction to normalise by (the analysis divides by the centre norm)`,
      );
    }
  });
}

/**
 * One task per manifold for the per-manifold analysis (docs/mftma.md §3–4): its points, the global
 * mean and shared subspace to remove, κ, n_t and the seed; stable mode draws balanced t-vectors (§11).
 * Fixed t-vectors must be n_t × (D_i+1).
 */
function manifoldTasks(
  manifolds: ManifoldPoints[],
  geom: CenterGeometry,
  sub: SharedCenterSubspace,
  opt: Resolved,
  tVectors: Float64Array[] | undefined,
): ManifoldTask[] {
  const N = manifolds[0].ambientDim;
  const tasks: ManifoldTask[] = manifolds.map((m, index) => ({
    index,
    numPoints: m.numPoints,
    ambientDim: N,
    points: m.data,
    globalMean: geom.globalMean,
    sharedBasis: sub.basis,
    K: sub.K,
    kappa: opt.kappa,
    nT: opt.nT,
    seed: opt.seed,
    balancedTVectors: opt.mode === 'stable',
    tVectors: tVectors?.[index],
  }));
  tVectors?.forEach((t, i) => {
    const D1 = Math.min(N, manifolds[i].numPoints) + 1;
    if (!(t instanceof Float64Array) || t.length !== opt.nT * D1)
      throw new InputError(`tVectors[${i}]: expected a Float64Array of n_t x (D+1) = ${opt.nT} x ${D1}`);
  });
  return tasks;
}

/**
 * The per-manifold analysis (docs/mftma.md §3–4) of every task, in worker threads when the work pays
 * for them: the §3 reduction (or the one given in `prepared`) runs in this thread, the anchor points
 * and α_i, R_i, D_i of §4 in the workers. Results in input order, the same for any number of workers.
 */
async function analyzeEachManifold(
  tasks: ManifoldTask[],
  opt: Resolved,
  prepared: PreparedManifold[] | undefined,
  tVectors: Float64Array[] | undefined,
  anchors: ((task: PreparedManifoldTask) => Promise<ManifoldTaskResult>) | null,
): Promise<ManifoldTaskResult[]> {
  const P = tasks.length;
  if (prepared && (prepared.length !== P || tVectors))
    throw new InputError(`prepared: need one reduction per manifold (${P}) and drawn t-vectors`);
  /** The task with its reduction: shared when given, else computed here (in `scratch`). */
  const preparedTask = (task: ManifoldTask, scratch?: Float64Array): PreparedManifoldTask => {
    if (!prepared) return prepareManifoldTask(task, scratch);
    const { index, numPoints, kappa, nT, seed, balancedTVectors } = task;
    return { index, numPoints, kappa, nT, seed, balancedTVectors, prep: prepared[index] };
  };
  if (!anchors) return prepared ? tasks.map((t) => analyzePreparedManifold(preparedTask(t))) : tasks.map(analyzeManifold);
  // The reduction (§3) runs here and only the small (D+1) × M result goes to a worker: copying the
  // raw M × N points into a worker costs about a third of reducing them (the README case would move
  // 200 MB), and this thread would otherwise sit idle while the workers compute anchor points.
  const pending: Promise<ManifoldTaskResult>[] = [];
  const scratch = prepared ? undefined : new Float64Array(Math.max(...tasks.map((t) => t.numPoints * t.ambientDim)));
  for (const task of tasks) {
    pending.push(anchors(preparedTask(task, scratch)));
    pending[pending.length - 1].catch(() => undefined); // rejections surface through Promise.all below
    await new Promise<void>((resolve) => setImmediate(resolve)); // let finished workers take the next item
  }
  return Promise.all(pending);
}

/**
 * Faithful mode: a centre that vanishes after the shared-subspace removal makes the normalisation of
 * §3 divide by ~0. The reference has no rule for that, so it is reported as unusable input rather than
 * as numbers (docs/mftma.md §11); stable mode flags such a manifold degenerate instead.
 */
function checkCentersSurviveRemoval(results: ManifoldTaskResult[]): void {
  results.forEach((r, i) => {
    if (!(r.centerNorm > 1e-12 * r.spread)) {
      throw new InputError(
        `manifold ${i}: its centre vanishes after removing the shared centre subspace (norm ${r.centerNorm.toExponential(3)} vs spread ${r.spread.toExponential(3)}); the analysis is undefined for it (stable mode flags and excludes such manifolds)`,
      );
    }
  });
}

/** ‖c_i − x̄‖ per manifold: the centre norm before the shared-subspace removal (docs/mftma.md §1). */
function centerNormsBeforeRemoval(geom: CenterGeometry, P: number, N: number): number[] {
  return Array.from({ length: P }, (_, i) => {
    let s = 0;
    for (let f = 0; f < N; f++) s += (geom.centers[i * N + f] - geom.globalMean[f]) ** 2;
    return Math.sqrt(s);
  });
}

/**
 * Stable mode's degenerate manifolds (docs/mftma.md §11, stable mode item 3; `degenerateManifolds`) and
 * which manifolds enter the aggregates: all in faithful mode, the others in stable mode, or all when
 * every one is flagged. Pushes the warnings that say so.
 */
function degenerateSelection(
  results: ManifoldTaskResult[],
  centerNormBefore: number[],
  opt: Resolved,
  warnings: string[],
): { degenerate: boolean[]; use: boolean[]; degenerateRule: string } {
  const degenerate =
    opt.mode === 'stable'
      ? degenerateManifolds(
          results.map((r) => r.centerNorm),
          results.map((r) => r.spread),
          centerNormBefore,
          opt.stable,
        )
      : results.map(() => false);
  let degenerateRule = 'none (faithful mode: every manifold enters the averages, as in the reference)';
  let use = results.map((_, i) => !degenerate[i]);
  if (opt.mode === 'stable') {
    degenerateRule = `a manifold whose centre norm after the centre-subspace removal is below ${opt.stable.degenerateRatio} x the RMS spread of its points, and whose centre that removal shrank below ${opt.stable.degenerateShrink} x the median manifold's shrink factor, is flagged degenerate and left out of the aggregates (its values stay in perManifold)`;
    if (use.every((u) => !u)) {
      warnings.push('every manifold is degenerate by the centre-norm rule; aggregates use all of them');
      use = use.map(() => true);
    }
    const nDeg = degenerate.filter(Boolean).length;
    if (nDeg > 0)
      warnings.push(
        `${nDeg} degenerate manifold(s) left out of the aggregates: ${degenerate
          .map((d, i) => (d ? i : -1))
          .filter((i) => i >= 0)
          .join(', ')}`,
      );
  }
  return { degenerate, use, degenerateRule };
}

/** The aggregates over the manifolds used (docs/mftma.md §0): α = 1 / mean_i(1/α_i), R = mean_i R_i, D = mean_i D_i. */
function aggregate(perManifold: PerManifold, use: boolean[]): { capacity: number; radius: number; dimension: number } {
  const used = (a: number[]) => a.filter((_, i) => use[i]);
  return {
    capacity: 1 / mean(used(perManifold.capacity).map((a) => 1 / a)),
    radius: mean(used(perManifold.radius)),
    dimension: mean(used(perManifold.dimension)),
  };
}

/** The centre step's per-K record (docs/mftma.md §2; §11, diagnostics). */
function centerSubspaceDiagnostics(geom: CenterGeometry, sub: SharedCenterSubspace): ManifoldAnalysisDiagnostics['centerSubspace'] {
  return {
    maxK: geom.maxK,
    Kcap: sub.Kcap,
    centerSvCumFrac: geom.centerSvCumFrac,
    resCoeffByK: sub.steps.map((s) => s.resCoeff),
    costByK: sub.steps.map((s) => s.cost),
    stabilityByK: sub.steps.map((s) => s.stability),
    chosenRestartByK: sub.steps.map((s) => s.chosen),
    restartsPerK: sub.steps.length ? sub.steps[0].restarts.length : 0,
    steps: sub.steps,
  };
}

/** NNLS counts of the per-manifold step and CG runs and stop reasons of the centre step (docs/mftma.md §11, diagnostics). */
function solverCounts(results: ManifoldTaskResult[], sub: SharedCenterSubspace): ManifoldAnalysisDiagnostics['solver'] {
  const cgStopReasons: Record<string, number> = {};
  let cgRuns = 0;
  let cgIterations = 0;
  for (const s of sub.steps) {
    for (const r of s.restarts) {
      cgRuns++;
      cgIterations += r.cgIterations;
      cgStopReasons[r.stopReason] = (cgStopReasons[r.stopReason] ?? 0) + 1;
    }
  }
  return {
    nnlsSolved: results.reduce((s, r) => s + r.nnlsSolved, 0),
    nnlsIterations: results.reduce((s, r) => s + r.nnlsIterations, 0),
    nnlsMaxIterations: results.reduce((s, r) => s + r.nnlsMaxIterations, 0),
    cgRuns,
    cgIterations,
    cgStopReasons,
  };
}
