import { InputError } from '../errors';
import { manifoldAnalysis, type ManifoldAnalysisOptions, type ManifoldAnalysisResult } from './manifoldAnalysis';
import type { ManifoldPoints } from './manifoldPoints';

/**
 * The analysis repeated over several seeds, with the mean and spread of each reported quantity —
 * what experiments carry into their tables (`capacity_std`, …) and figures (error bars).
 *
 * @example
 * const s = await manifoldAnalysisSeeds(manifolds, { seeds: 3 });   // seeds 0, 1, 2; stable mode
 * s.capacity.mean; s.capacity.std;                                    // std with n − 1 (0 for one seed)
 */
export interface SeedStat {
  mean: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single seed. */
  std: number;
  min: number;
  max: number;
  /** max/min − 1 (the spread measure of issue 11); NaN if min ≤ 0. */
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

export async function manifoldAnalysisSeeds(manifolds: ManifoldPoints[], options: ManifoldAnalysisSeedsOptions = {}): Promise<ManifoldAnalysisSeedsResult> {
  const t0 = performance.now();
  const { seeds: seedsOpt = 3, firstSeed = 0, ...rest } = options;
  const seeds = Array.isArray(seedsOpt) ? seedsOpt : Array.from({ length: seedsOpt }, (_, i) => firstSeed + i);
  if (seeds.length === 0 || !seeds.every((s) => Number.isFinite(s))) throw new InputError(`seeds: need at least one finite seed, got ${JSON.stringify(seedsOpt)}`);
  if (!Array.isArray(seedsOpt) && (!Number.isInteger(seedsOpt) || seedsOpt < 1)) throw new InputError(`seeds must be a positive integer or a list, got ${seedsOpt}`);
  const runs: ManifoldAnalysisResult[] = [];
  for (const seed of seeds) runs.push(await manifoldAnalysis(manifolds, { ...rest, seed }));
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
