import { centerCorrelationCost } from './centerCorrelationCost';
import { stiefelConjugateGradient, type StiefelCgOptions, type StiefelCgStopReason } from './stiefelConjugateGradient';

/** The input of `runCenterSubspaceJob` (plain data, for worker threads). */
export interface CenterSubspaceJob {
  coords: Float64Array;
  P: number;
  d: number;
  K: number;
  start: Float64Array;
  cg?: Partial<StiefelCgOptions>;
}

export interface CenterSubspaceJobResult {
  x: Float64Array;
  cost: number;
  iterations: number;
  stopReason: StiefelCgStopReason;
}

/**
 * One restart of the centre-correlation optimiser: CG on St(d, K) from `start` for the cost of
 * `coords`. A plain-data function so that restarts can run in worker threads (parallelMap); it
 * imports nothing heavier than the cost and the optimiser.
 */
export function runCenterSubspaceJob(job: CenterSubspaceJob): CenterSubspaceJobResult {
  const problem = centerCorrelationCost(job.coords, job.P, job.d, job.K);
  const r = stiefelConjugateGradient(problem, job.start, job.cg);
  return { x: r.x, cost: r.cost, iterations: r.iterations, stopReason: r.stopReason };
}
