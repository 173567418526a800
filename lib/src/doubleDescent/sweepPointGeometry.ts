import type { AnalysisSettings } from '../manifold/analysisSettings';
import { analyzeRun } from '../geometry/analyzeRun';
import { MANIFOLD_KINDS, groupClassCounts, groupView } from '../noise/groupView';
import { chooseClasses } from '../noise/sampleManifolds';
import type { NoisyLabels } from '../noise/types';
import type { Row } from '../tables/csv';
import type { Run } from '../train/runDir';

/** Geometry columns of double_descent.csv (from geometry.csv of the point's run, see `analyzeRun`). */
export const SWEEP_GEOMETRY_COLUMNS = [
  'layer',
  'manifold',
  'M',
  'capacity',
  'capacity_std',
  'radius',
  'radius_std',
  'dimension',
  'dimension_std',
  'center_correlation',
  'participation_ratio',
  'n_degenerate',
  'note',
];

/**
 * The analysis points a double-descent sweep measures by default: the last hidden layer and the
 * logits (docs/paper.md §5: "the final layer(s)"; docs/small-scale.md: the permuted-capacity jump is largest
 * there).
 */
export function defaultSweepLayers(analysisPoints: string[]): string[] {
  return analysisPoints.slice(-2);
}

/**
 * The largest M ≤ `M` that every chosen class of the three manifold types can supply. Small
 * double-descent training sets with ε = 0.1–0.2 have only ~εn/C noisy examples per class, and one M
 * is used for all three types so that their capacities compare (α scales like 1/M at random).
 */
export function usableManifoldSize(noisy: NoisyLabels, M: number, classes?: ArrayLike<number>): number {
  const cls = classes ? Array.from(classes) : Array.from({ length: noisy.numClasses }, (_, c) => c);
  let m = M;
  for (const kind of MANIFOLD_KINDS) {
    const counts = groupClassCounts(groupView(noisy, kind));
    for (const c of cls) m = Math.min(m, counts[c]);
  }
  return m;
}

/**
 * MFTMA of the unpermuted, permuted and restored manifolds (paper Fig. 1A) of a sweep point's final
 * model at `layers`, by `analyzeRun` (lib/src/geometry) on the last checkpoint: P classes × M training examples
 * per type sampled once with seed 0, projection above `projectionDim`, mean and std over
 * `analysis.seeds`. M is lowered to what the smallest class of the noisy groups holds (recorded in the
 * M column); if that is below 2 the rows carry NaN and a note. Cells already in the run's
 * geometry.csv (same settings) are reused, so an interrupted analysis resumes.
 */
export async function sweepPointGeometry(
  run: Run,
  epoch: number,
  layers: string[],
  analysis: AnalysisSettings,
  concurrency = 1,
): Promise<Row[]> {
  const P = Math.min(analysis.P, run.noisy.numClasses);
  const M = usableManifoldSize(run.noisy, analysis.M, chooseClasses(run.noisy.numClasses, { P, seed: 0 }));
  if (M < 2) {
    const note = `a manifold type has fewer than 2 examples in some class (M would be ${M}); raise ε or the training size`;
    return MANIFOLD_KINDS.flatMap((manifold) =>
      layers.map((layer) => ({
        layer,
        manifold,
        M,
        capacity: NaN,
        capacity_std: NaN,
        radius: NaN,
        radius_std: NaN,
        dimension: NaN,
        dimension_std: NaN,
        center_correlation: NaN,
        participation_ratio: NaN,
        n_degenerate: NaN,
        note,
      })),
    );
  }
  const r = await analyzeRun(run, {
    epochs: [epoch],
    layers,
    P,
    M,
    nT: analysis.nT,
    seeds: analysis.seeds,
    projectionDim: analysis.projectionDim,
    mode: analysis.mode,
    kappa: analysis.kappa,
    seed: 0,
    concurrency,
    progress: 'none',
  });
  return r.rows.map((g) => Object.fromEntries(SWEEP_GEOMETRY_COLUMNS.map((c) => [c, g[c] ?? (c === 'note' ? '' : NaN)])));
}
