export { parallelMap, defaultConcurrency } from './workerPool';
export type { TaskFunction, ParallelMapOptions } from './workerPool';
