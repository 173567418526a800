import { checkOptions, InputError } from '../errors';
import { checkSeed } from '../random/rng';
import { MAX_ANALYSIS_SEEDS, SEEDS_LIMIT_REASON } from './analysisSettings';
import { defaultConcurrency } from '../parallel/workerPool';
import { centerGeometry, type CenterGeometry } from './centerGeometry';
import {
  MANIFOLD_ANALYSIS_OPTIONS,
  manifoldAnalysis,
  STABLE_DEFAULTS,
  type ManifoldAnalysisOptions,
  type ManifoldAnalysisResult,
} from './manifoldAnalysis';
import { validateManifolds, asManifoldPoints, type PointSets } from './manifoldPoints';
import { sharedCenterSubspace } from './sharedCenterSubspace';
import { prepareManifold, type PreparedManifold } from './analyzeManifold';

/** One quantity over the seeds of `manifoldAnalysisSeeds`. */
export interface SeedStat {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single seed. */
  std: number;
  min: number;
  max: number;
  /** max/min − 1 (the spread measure of the stable mode's ≤ 5% target, README.md "Modes"); NaN if min ≤ 0. */
  relSpread: number;
  values: number[];
}

export interface ManifoldAnalysisSeedsResult {
  seeds: number[];
  capacity: SeedStat;
  radius: SeedStat;
  dimension: SeedStat;
  centerCorrelation: SeedStat;
  K: SeedStat;
  runs: ManifoldAnalysisResult[];
  seconds: number;
}

export interface ManifoldAnalysisSeedsOptions extends Omit<ManifoldAnalysisOptions, 'seed'> {
  /** A count (seeds firstSeed … firstSeed + n − 1) or an explicit list. @default 3 */
  seeds?: number | number[];
  /** @default 0 */
  firstSeed?: number;
}

export function seedStat(values: number[]): SeedStat {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : 0;
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { mean, std, min, max, relSpread: min > 0 ? max / min - 1 : NaN, values };
}

/**
 * The analysis repeated over several seeds, with the mean and spread of each reported quantity —
 * what experiments carry into their tables (`capacity_std`, …) and figures (error bars).
 *
 * @example
 * const s = await manifoldAnalysisSeeds(manifolds, { seeds: 3 });   // seeds 0, 1, 2; stable mode
 * s.capacity.mean; s.capacity.std;                                    // std with n − 1 (0 for one seed)
 */
export async function manifoldAnalysisSeeds(
  points: PointSets,
  options: ManifoldAnalysisSeedsOptions = {},
): Promise<ManifoldAnalysisSeedsResult> {
  const t0 = performance.now();
  const manifolds = asManifoldPoints(points);
  checkOptions(options, 'manifoldAnalysisSeeds', [
    ...MANIFOLD_ANALYSIS_OPTIONS.filter((k) => k !== 'seed' && k !== 'prepared'),
    'seeds',
    'firstSeed',
  ]);
  const { seeds: seedsOpt = 3, firstSeed = 0, ...rest } = options;
  const seeds = Array.isArray(seedsOpt) ? seedsOpt : Array.from({ length: seedsOpt }, (_, i) => firstSeed + i);
  if (seeds.length === 0 || !seeds.every((s) => Number.isFinite(s)))
    throw new InputError(`seeds: need at least one finite seed, got ${JSON.stringify(seedsOpt)}`);
  if (!Array.isArray(seedsOpt) && (!Number.isInteger(seedsOpt) || seedsOpt < 1))
    throw new InputError(`seeds must be a positive integer or a list, got ${seedsOpt}`);
  if (seeds.length > MAX_ANALYSIS_SEEDS)
    throw new InputError(`seeds: at most ${MAX_ANALYSIS_SEEDS}, got ${seeds.length}: ${SEEDS_LIMIT_REASON}`);
  seeds.forEach((s, i) => checkSeed(s, Array.isArray(seedsOpt) ? `seeds[${i}]` : `seed ${s} (firstSeed + ${i})`));
  // Stable mode's centre step is a fixed function of the centres (no seed), so unless a seeded random
  // projection changes the data it is computed once and shared by all seeds.
  const runs: ManifoldAnalysisResult[] = [];
  const stable = (rest.mode ?? 'stable') === 'stable';
  const projected = manifolds.length > 0 && manifolds[0].ambientDim > (rest.projectionDim ?? 5000);
  let centerSubspace = rest.centerSubspace;
  let prepared: PreparedManifold[] | undefined;
  let geom: CenterGeometry | undefined;
  if (stable && !projected && (rest.centerCorrelation ?? true) && !centerSubspace && seeds.length > 1) {
    validateManifolds(manifolds);
    geom = centerGeometry(manifolds);
    centerSubspace = await sharedCenterSubspace(geom, {
      mode: 'stable',
      nReps: rest.nReps ?? 1,
      seed: seeds[0],
      cg: rest.cg,
      stable: { ...STABLE_DEFAULTS, ...rest.stable },
      concurrency:
        rest.concurrency === undefined || rest.concurrency === 'auto'
          ? manifolds.length >= 64
            ? defaultConcurrency()
            : 1
          : rest.concurrency,
    });
  }
  if (centerSubspace && geom && !rest.tVectors) {
    // With the centre step fixed, the §3 reduction of every manifold is seed-independent too (only
    // the t-vectors depend on the seed): reduce once, share with every seed.
    const sub = centerSubspace;
    const N = manifolds[0].ambientDim;
    const scratch = new Float64Array(Math.max(...manifolds.map((m) => m.numPoints * N)));
    const globalMean = geom.globalMean;
    prepared = manifolds.map((m) =>
      prepareManifold(
        { numPoints: m.numPoints, ambientDim: N, points: m.data, globalMean, sharedBasis: sub.basis, K: sub.K, reduction: 'gram' },
        scratch,
      ),
    );
  }
  for (const seed of seeds) runs.push(await manifoldAnalysis(manifolds, { ...rest, seed, centerSubspace, prepared }));
  return {
    seeds,
    capacity: seedStat(runs.map((r) => r.capacity)),
    radius: seedStat(runs.map((r) => r.radius)),
    dimension: seedStat(runs.map((r) => r.dimension)),
    centerCorrelation: seedStat(runs.map((r) => r.centerCorrelation)),
    K: seedStat(runs.map((r) => r.K)),
    runs,
    seconds: (performance.now() - t0) / 1000,
  };
}
