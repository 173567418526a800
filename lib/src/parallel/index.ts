export { parallelMap, defaultConcurrency, WorkerPool } from './workerPool';
export type { TaskFunction, ParallelMapOptions } from './workerPool';
