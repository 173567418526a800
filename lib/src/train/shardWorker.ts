// Worker thread of data-parallel training (DataParallelTrainer): one rank's replica, driven by the
// coordinating thread's messages; within a step the ranks meet at the shared-memory collectives.
import { parentPort, workerData } from 'worker_threads';
import { initBackend } from '../backend';
import { createModel, type Model, type ModelSpec } from '../models';
import { Optimizer, type NamedArrays } from './Optimizer';
import type { OptimizerConfig } from './runConfig';
import { ShardReplica, type ShardBuffers } from './shardReplica';

export interface ShardWorkerData {
  bufs: ShardBuffers;
  rank: number;
  spec: ModelSpec;
  inputShape: [number, number, number];
  numClasses: number;
  seed: number;
  optimizer: OptimizerConfig;
  build?: ModelBuilder;
}

/**
 * A model that is not a `ModelSpec` (e.g. a benchmark's): the workers build their replica by calling
 * `require(module)[exportName](arg)`, which must return the same architecture and initial weights.
 */
export interface ModelBuilder {
  module: string;
  exportName: string;
  arg: unknown;
}

export type ShardCommand =
  | { cmd: 'load'; weights: NamedArrays; optimizer: { step: number; slots: NamedArrays } }
  | { cmd: 'step'; count: number; lr: number; apply: boolean }
  | { cmd: 'eval'; batchSize: number }
  | { cmd: 'quit' };

const port = parentPort!;
const wd = workerData as ShardWorkerData;
const fail = (err: unknown) => {
  const e = err as Error;
  port.postMessage({ cmd: 'error', message: e?.message ?? String(err), stack: e?.stack });
};

(async () => {
  await initBackend();
  const model: Model = wd.build
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- a user's model factory, named by its module path
      (require(wd.build.module) as Record<string, (arg: unknown) => Model>)[wd.build.exportName](wd.build.arg)
    : createModel(wd.spec, wd.inputShape, wd.numClasses, wd.seed);
  const opt = new Optimizer(wd.optimizer, model.params);
  const replica = new ShardReplica(model, opt, wd.bufs, wd.rank);
  port.on('message', (m: ShardCommand) => {
    try {
      if (m.cmd === 'load') {
        model.writeWeights(m.weights, 'data-parallel start');
        opt.loadState(m.optimizer, 'data-parallel start');
        port.postMessage({ cmd: 'loaded' });
      } else if (m.cmd === 'step') replica.step(m.count, m.lr, m.apply);
      else if (m.cmd === 'eval') replica.evaluate(m.batchSize);
      else if (m.cmd === 'quit') {
        model.dispose();
        opt.dispose();
        port.close();
      }
    } catch (err) {
      replica.coll.abort();
      fail(err);
    }
  });
  port.postMessage({ cmd: 'ready' });
})().catch(fail);
