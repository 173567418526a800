import type { KnnMetric } from './knn';
import { LINEAR_PROBE_DEFAULTS } from './linearProbe';

/**
 * The settings of one probe run (P classes x M fitted examples, a held-out part, the kNN's k and metric,
 * the linear probe's penalty λ and iterations, the projection and the seed). Here, not in probeRun.ts, so
 * that the per-epoch worker (probeCell.ts) reads them without importing the run that starts it.
 */
export interface ProbeSettings {
  P: number;
  M: number;
  heldOut: number;
  k: number;
  metric: KnnMetric;
  lambda: number;
  iterations: number;
  projectionDim: number;
  seed: number;
}

export const PROBE_DEFAULTS: Omit<ProbeSettings, 'P' | 'M' | 'heldOut' | 'seed' | 'projectionDim'> = {
  k: 30,
  metric: 'cosine',
  ...LINEAR_PROBE_DEFAULTS,
};
