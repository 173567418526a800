export { parallelMap, defaultConcurrency, WorkerPool } from './workerPool';
export type { TaskFunction, ParallelMapOptions } from './workerPool';
export { availableCores, parseWorkerCount, workersFromEnv } from './workerCount';
export { Collective } from './collective';
export type { CollectiveBuffers } from './collective';
