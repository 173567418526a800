import { centerCorrelationCost, type CenterCorrelationProblem } from './centerCorrelationCost';
import type { StiefelCgOptions, StiefelCgStopReason } from './stiefelConjugateGradient';

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
  const r = problemFor(job).minimize(job.start, job.cg);
  return { x: r.x, cost: r.cost, iterations: r.iterations, stopReason: r.stopReason };
}

// The restarts of one analysis share the centres: the last problem built for each K is kept and reused
// while the coordinates are the same (compared by value, since jobs reach worker threads as copies).
const recent = new Map<number, { coords: Float64Array; P: number; d: number; problem: CenterCorrelationProblem }>();

function problemFor(job: CenterSubspaceJob): CenterCorrelationProblem {
  const hit = recent.get(job.K);
  if (hit && hit.P === job.P && hit.d === job.d && sameValues(hit.coords, job.coords)) return hit.problem;
  const problem = centerCorrelationCost(job.coords, job.P, job.d, job.K);
  recent.set(job.K, { coords: Float64Array.from(job.coords), P: job.P, d: job.d, problem });
  return problem;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  return true;
}
