import * as path from 'path';
import { defaultConcurrency, WorkerPool } from '../parallel/workerPool';
import type { AnalysisJob, AnalysisJobResult } from './analysisWorker';
import { warmUpRestartWorkers } from './sharedCenterSubspace';

const WORKER_MODULE = path.join(__dirname, 'analysisWorker.js');

type AnalysisPool = WorkerPool<AnalysisJob, AnalysisJobResult>;
const pools = new Map<number, AnalysisPool>();

/**
 * The analysis's `size` worker threads, started on first use and kept for the life of the process:
 * a pipeline runs hundreds of analyses, and a fresh pool cost each one ~40 ms of start-up and module
 * loading per thread, and its first restarts ran before V8 had optimised the code. Idle threads do
 * not keep the process alive. A pool whose thread died is replaced.
 */
export function analysisPool(size: number): AnalysisPool {
  let pool = pools.get(size);
  if (pool?.failed) {
    void pool.close();
    pool = undefined;
  }
  if (!pool) {
    const created: AnalysisPool = new WorkerPool({ module: WORKER_MODULE, exportName: 'runAnalysisJob' }, size, process.env, 2, false);
    warmUpRestartWorkers({ run: (job) => created.run({ restart: job }) as Promise<never> }, size);
    pools.set(size, created);
    pool = created;
  }
  return pool;
}

/**
 * Start the analysis's threads now (the default count: the cores available), for a caller with other
 * work to do first: `memgeo mftma` calls this before it reads its input, so the threads boot meanwhile.
 */
export function startAnalysisPool(size = defaultConcurrency()): void {
  if (size > 1) analysisPool(size);
}

/** Stop the kept threads (a test, or a program that wants them back before it ends). */
export async function closeAnalysisPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}
