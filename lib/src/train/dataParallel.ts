import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ImageSplit } from '../data/types';
import type { Model } from '../models';
import type { NoisyLabels } from '../noise/types';
import { Collective, CollectiveAborted } from '../parallel/collective';
import { splitMetrics, type SplitMetric } from './evaluate';
import type { Optimizer } from './Optimizer';
import { ShardReplica, type ShardBuffers } from './shardReplica';
import type { ModelBuilder, ShardCommand, ShardWorkerData } from './shardWorker';

export interface DataParallelOptions {
  /** Ranks in all: this thread (rank 0) plus `workers − 1` worker threads. */
  workers: number;
  /** Largest batch a step will get. */
  maxBatch: number;
  /** Images evaluated by `evaluateSplits` (copied once into shared memory). */
  data: { train: ImageSplit; test: ImageSplit; noisy: NoisyLabels };
  /** Backend of this thread: the workers must use the same one. */
  backend: string;
  /** How workers build their replica when `model` was not made by `createModel(model.spec, ...)`. */
  build?: ModelBuilder;
}

/**
 * Data-parallel training of one model on `workers` threads (docs: environment.md, "Training on
 * every core"). Every rank holds a replica; a step splits the batch into fixed contiguous shards
 * (`shardRange`), each rank computes the gradient of its shard with batch-norm moments synchronised
 * over the whole batch, the gradients are summed in rank order, and every rank applies the same
 * optimizer step, so the replicas stay identical without copying weights. This thread is rank 0 and
 * `model`/`opt` are its replica: checkpoints read them as in a single-process run.
 *
 * Deterministic: the split, the reduction order and every kernel are fixed for a given worker count,
 * so a rerun gives the same bits. A different worker count gives the same mathematics up to float
 * rounding (the sums run in another order).
 */
export class DataParallelTrainer {
  private failure: Error | null = null;
  private errorWaiters: (() => void)[] = [];
  private closed = false;

  private constructor(
    private readonly replica: ShardReplica,
    private readonly workers: Worker[],
    private readonly bufs: ShardBuffers,
    private readonly per: number,
  ) {}

  get size(): number {
    return this.replica.size;
  }

  static async start(model: Model, opt: Optimizer, options: DataParallelOptions): Promise<DataParallelTrainer> {
    const size = options.workers;
    if (!Number.isInteger(size) || size < 2) throw new Error(`DataParallelTrainer: needs at least 2 ranks, got ${size}`);
    const [h, w, c] = model.inputShape;
    const per = h * w * c;
    const P = ShardReplica.gradientLength(model);
    // The longest all-reduce: a batch-norm backward pass (2 values per channel) or its first moment (C + 1).
    const bnChannels = model.params.filter((p) => p.role === 'moving_mean').map((p) => p.variable.size);
    const maxLength = Math.max(1, ...bnChannels.map((ch) => 2 * ch + 1));
    const { train, test } = options.data;
    const evalCount = train.count + test.count;
    const bufs: ShardBuffers = {
      collective: Collective.allocate(size, maxLength),
      batchImages: new SharedArrayBuffer(4 * options.maxBatch * per),
      batchLabels: new SharedArrayBuffer(4 * options.maxBatch),
      grads: new SharedArrayBuffer(4 * size * P),
      reduced: new SharedArrayBuffer(4 * P),
      losses: new SharedArrayBuffer(8 * size),
      evalImages: new SharedArrayBuffer(4 * evalCount * per),
      evalLogits: new SharedArrayBuffer(4 * evalCount * model.numClasses),
    };
    const evalImages = new Float32Array(bufs.evalImages);
    evalImages.set(train.images, 0);
    evalImages.set(test.images, train.count * per);
    const script = path.join(__dirname, 'shardWorker.js');
    const env = { ...process.env, MEMGEO_BACKEND: options.backend, MEMGEO_QUIET: '1' };
    const workers: Worker[] = [];
    const trainer = new DataParallelTrainer(new ShardReplica(model, opt, bufs, 0), workers, bufs, per);
    const ready: Promise<void>[] = [];
    for (let rank = 1; rank < size; rank++) {
      const workerData: ShardWorkerData = {
        bufs,
        rank,
        spec: model.spec,
        inputShape: model.inputShape,
        numClasses: model.numClasses,
        seed: model.seed,
        optimizer: opt.config,
        build: options.build,
      };
      const wk = new Worker(script, { workerData, env });
      workers.push(wk);
      ready.push(
        new Promise<void>((resolve, reject) => {
          wk.on('message', (m: { cmd: string; message?: string; stack?: string }) => {
            if (m.cmd === 'ready') return;
            if (m.cmd === 'loaded') return resolve();
            if (m.cmd === 'error') {
              const e = new Error(`data-parallel worker ${rank} failed: ${m.message}`);
              e.stack = `${e.message}\n--- worker stack ---\n${m.stack ?? ''}`;
              trainer.fail(e);
              reject(e);
            }
          });
          wk.on('error', (err) => {
            trainer.fail(new Error(`data-parallel worker ${rank} failed: ${err.message}`));
            reject(err);
          });
          wk.on('exit', (code) => {
            if (!trainer.closed) {
              const e = new Error(`data-parallel worker ${rank} exited (code ${code}) during training`);
              trainer.fail(e);
              reject(e);
            }
          });
        }),
      );
    }
    try {
      const weights = await model.readWeights();
      const state = await opt.readState();
      for (const wk of workers) wk.postMessage({ cmd: 'load', weights, optimizer: state } satisfies ShardCommand);
      await Promise.all(ready);
    } catch (err) {
      await trainer.close();
      throw err;
    }
    return trainer;
  }

  /** One optimizer step on a batch (every rank); returns the batch loss before the step. */
  async step(images: Float32Array, labels: Int32Array, lr: number): Promise<number> {
    this.loadBatch(images, labels);
    await this.lockstep({ cmd: 'step', count: labels.length, lr, apply: true }, () => this.replica.step(labels.length, lr, true));
    const losses = new Float64Array(this.bufs.losses);
    let loss = 0;
    for (let r = 0; r < this.size; r++) loss += losses[r];
    return loss;
  }

  /**
   * The gradient of the mean batch loss summed over the shards, per trainable variable in model
   * order (no optimizer step; batch-norm running statistics do move, as in a training forward pass).
   */
  async gradients(images: Float32Array, labels: Int32Array): Promise<Float32Array[]> {
    this.loadBatch(images, labels);
    await this.lockstep({ cmd: 'step', count: labels.length, lr: 0, apply: false }, () => this.replica.step(labels.length, 0, false));
    const reduced = new Float32Array(this.bufs.reduced);
    const out: Float32Array[] = [];
    let o = 0;
    for (const v of this.replica.model.trainableVariables) {
      out.push(reduced.slice(o, o + v.size));
      o += v.size;
    }
    return out;
  }

  /** `evaluateSplits` with the images spread over the ranks (the same metrics as in one process). */
  async evaluateSplits(data: { train: ImageSplit; test: ImageSplit; noisy: NoisyLabels }, batchSize = 512): Promise<SplitMetric[]> {
    await this.lockstep({ cmd: 'eval', batchSize }, () => this.replica.evaluate(batchSize));
    const K = this.replica.model.numClasses;
    const logits = new Float32Array(this.bufs.evalLogits);
    return splitMetrics(logits.subarray(0, data.train.count * K), logits.subarray(data.train.count * K), data, K);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wk of this.workers) wk.postMessage({ cmd: 'quit' } satisfies ShardCommand);
    await Promise.all(this.workers.map((wk) => wk.terminate()));
  }

  private loadBatch(images: Float32Array, labels: Int32Array): void {
    if (labels.length * this.per !== images.length)
      throw new Error(`DataParallelTrainer: ${images.length} floats for ${labels.length} images`);
    if (labels.length * 4 > this.bufs.batchLabels.byteLength)
      throw new Error(
        `DataParallelTrainer: batch of ${labels.length} is larger than the ${this.bufs.batchLabels.byteLength / 4} it was started for`,
      );
    new Float32Array(this.bufs.batchImages).set(images);
    new Int32Array(this.bufs.batchLabels).set(labels);
  }

  /** Send `cmd` to the workers and do rank 0's part; a failure anywhere stops every rank. */
  private async lockstep(cmd: ShardCommand, mine: () => void): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('DataParallelTrainer: already closed');
    for (const wk of this.workers) wk.postMessage(cmd);
    try {
      mine();
    } catch (err) {
      this.replica.coll.abort();
      if (err instanceof CollectiveAborted) {
        // A worker stopped the step: wait (briefly) for its message, which says why.
        if (!this.failure) {
          await new Promise<void>((resolve) => {
            this.errorWaiters.push(resolve);
            setTimeout(resolve, 5000).unref();
          });
        }
        throw this.failure ?? err;
      }
      throw err;
    }
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    this.replica.coll.abort();
    for (const w of this.errorWaiters.splice(0)) w();
  }
}
