import type { AnalysisSettings } from '../experiments/presets';
import { InputError } from '../errors';
import { manifoldAnalysisSeeds, type ManifoldPoints } from '../manifold';
import { extractActivations, type Model } from '../models';
import { groupClassCounts, groupView, MANIFOLD_KINDS, sampleManifoldGroups, type ManifoldKind, type NoisyLabels } from '../noise';
import { gatherImages } from '../train';

/** Geometry of one manifold type at one layer: mean and std over analysis seeds. */
export interface LayerManifoldGeometry {
  layer: string;
  manifold: ManifoldKind;
  /** Examples per manifold actually used (see `finalLayerGeometry`). */
  M: number;
  capacity: number;
  capacityStd: number;
  radius: number;
  radiusStd: number;
  dimension: number;
  dimensionStd: number;
  centerCorrelation: number;
  centerCorrelationStd: number;
  /** Why the analysis could not be done ('' when it was). */
  note: string;
}

/**
 * The analysis points a double-descent sweep measures by default: the last hidden layer and the
 * logits (paper.md §5: "the final layer(s)"; small-scale.md: the permuted-capacity jump is largest
 * there).
 */
export function defaultSweepLayers(model: Model): string[] {
  return model.analysisPoints.slice(-2);
}

/**
 * The largest M ≤ `M` that every class of the three manifold types can supply. Small double-descent
 * training sets with ε = 0.1–0.2 have only ~εn/C permuted examples per class, and one M is used for
 * all three types so that their capacities compare (α scales with 1/M at random).
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
 * MFTMA of the unpermuted, permuted and restored manifolds (paper Fig. 1A) of a trained model at the
 * given layers: P classes × M training examples per type, sampled once with `seed`, activations
 * (randomly projected above `projectionDim`), then `manifoldAnalysisSeeds` (mean and std over
 * `analysis.seeds`). A (layer, type) whose analysis fails (e.g. a dead layer whose centres coincide)
 * gets NaN values and the error message as its note instead of failing the sweep.
 *
 * This is the sweep's own small analysis over the shared APIs (sampleManifoldGroups,
 * extractActivations, manifoldAnalysisSeeds); it analyses one model, not a run's epochs.
 */
export async function finalLayerGeometry(
  model: Model,
  trainImages: Float32Array,
  noisy: NoisyLabels,
  layers: string[],
  analysis: AnalysisSettings,
  seed = 0,
): Promise<LayerManifoldGeometry[]> {
  for (const l of layers) if (!model.analysisPoints.includes(l)) throw new InputError(`layer '${l}' is not an analysis point of ${model.spec.family} (points: ${model.analysisPoints.join(', ')})`);
  const P = Math.min(analysis.P, noisy.numClasses);
  const M = usableManifoldSize(noisy, analysis.M);
  if (M < 2) {
    const note = `a manifold type has fewer than 2 examples in some class (M would be ${M}); raise ε or the training size`;
    return MANIFOLD_KINDS.flatMap((manifold) => layers.map((layer) => ({ ...emptyGeometry(layer, manifold, M), note })));
  }
  const samples = sampleManifoldGroups(noisy, { P, M, seed });
  const [h, w, c] = model.inputShape;
  const per = h * w * c;
  const out: LayerManifoldGeometry[] = [];
  for (const kind of MANIFOLD_KINDS) {
    const s = samples[kind]!;
    const all = Int32Array.from(s.indices.flatMap((idx) => Array.from(idx)));
    const acts = await extractActivations(model, gatherImages(trainImages, all, per), layers, { projectionDim: analysis.projectionDim, seed });
    for (const layer of layers) {
      const a = acts.get(layer)!;
      const manifolds: ManifoldPoints[] = s.indices.map((_, k) => ({ numPoints: M, ambientDim: a.cols, data: Float64Array.from(a.data.subarray(k * M * a.cols, (k + 1) * M * a.cols)) }));
      const row = emptyGeometry(layer, kind, M);
      try {
        const r = await manifoldAnalysisSeeds(manifolds, { seeds: analysis.seeds, firstSeed: seed, nT: analysis.nT, kappa: analysis.kappa, mode: analysis.mode, concurrency: 1 });
        Object.assign(row, {
          capacity: r.capacity.mean,
          capacityStd: r.capacity.std,
          radius: r.radius.mean,
          radiusStd: r.radius.std,
          dimension: r.dimension.mean,
          dimensionStd: r.dimension.std,
          centerCorrelation: r.centerCorrelation.mean,
          centerCorrelationStd: r.centerCorrelation.std,
        });
      } catch (err) {
        // Recorded, not thrown: the trained model is kept and one bad cell must not cost the sweep.
        row.note = (err as Error).message ?? String(err);
      }
      out.push(row);
    }
  }
  return out;
}

function emptyGeometry(layer: string, manifold: ManifoldKind, M: number): LayerManifoldGeometry {
  return { layer, manifold, M, capacity: NaN, capacityStd: NaN, radius: NaN, radiusStd: NaN, dimension: NaN, dimensionStd: NaN, centerCorrelation: NaN, centerCorrelationStd: NaN, note: '' };
}
