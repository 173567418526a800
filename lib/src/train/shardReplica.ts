import * as tf from '@tensorflow/tfjs';
import { withBatchNormSync, type Model } from '../models';
import { Collective, type CollectiveBuffers } from '../parallel/collective';
import type { Optimizer } from './Optimizer';
import { crossEntropy } from './loss';

/**
 * Shared memory of one data-parallel training run (made by `DataParallelTrainer.start`, handed to
 * every worker): the batch of the current step, each shard's gradient, the reduced gradient, each
 * shard's loss, and for evaluation all images and their logits.
 */
export interface ShardBuffers {
  collective: CollectiveBuffers;
  /** Float32 [maxBatch × pixels per image]: the current batch, written by rank 0. */
  batchImages: SharedArrayBuffer;
  /** Int32 [maxBatch]: its labels. */
  batchLabels: SharedArrayBuffer;
  /** Float32 [size × P]: each rank's gradient, P = trainable scalars in model order. */
  grads: SharedArrayBuffer;
  /** Float32 [P]: the sum of the ranks' gradients. */
  reduced: SharedArrayBuffer;
  /** Float64 [size]: each rank's share of the batch loss. */
  losses: SharedArrayBuffer;
  /** Float32 [(train + test) × pixels]: images evaluated each epoch (training set, then test set). */
  evalImages: SharedArrayBuffer;
  /** Float32 [(train + test) × classes]: their logits. */
  evalLogits: SharedArrayBuffer;
}

/** Rows [lo, hi) of a batch of `count` that rank `rank` of `size` takes: a fixed contiguous split. */
export function shardRange(count: number, size: number, rank: number): [number, number] {
  return [Math.floor((rank * count) / size), Math.floor(((rank + 1) * count) / size)];
}

/**
 * One rank's replica in data-parallel training: its own model and optimizer (identical in every
 * rank: same start, same reduced gradient, same update), its shard of each batch, and its part of the
 * evaluation. Rank 0 is the coordinating thread, whose model is the run's model.
 */
export class ShardReplica {
  readonly coll: Collective;
  private readonly vars: tf.Variable[];
  private readonly offsets: number[] = [];
  private readonly total: number;

  constructor(
    readonly model: Model,
    readonly opt: Optimizer,
    readonly bufs: ShardBuffers,
    readonly rank: number,
  ) {
    this.coll = new Collective(bufs.collective, rank);
    this.vars = model.trainableVariables;
    let o = 0;
    for (const v of this.vars) {
      this.offsets.push(o);
      o += v.size;
    }
    this.total = o;
  }

  get size(): number {
    return this.coll.size;
  }

  /** Scalars per gradient (all trainable parameters). */
  static gradientLength(model: Model): number {
    return model.trainableVariables.reduce((a, v) => a + v.size, 0);
  }

  /**
   * This rank's part of one step on the batch in shared memory (`count` examples): forward and
   * backward on its rows with batch-norm moments of the whole batch, its gradient of
   * (Σ its losses)/count written to its slot, then the sum of all slots, one chunk of parameters per
   * rank, added in rank order; with `apply`, one optimizer step with that sum (the same in every rank).
   */
  step(count: number, lr: number, apply: boolean): void {
    const [h, w, c] = this.model.inputShape;
    const per = h * w * c;
    const [lo, hi] = shardRange(count, this.size, this.rank);
    // A batch with fewer examples than ranks leaves some ranks empty: they run a stand-in example with
    // weight 0, so that every rank makes the same collective calls.
    const active = hi > lo;
    const rows = active ? hi - lo : 1;
    const start = active ? lo : 0;
    const images = new Float32Array(this.bufs.batchImages, start * per * 4, rows * per);
    const labels = new Int32Array(this.bufs.batchLabels, start * 4, rows);
    const scale = active ? rows / count : 0;
    const x = tf.tensor4d(images, [rows, h, w, c]);
    const y = tf.tensor1d(labels, 'int32');
    const gradsOut = new Float32Array(this.bufs.grads, this.rank * this.total * 4, this.total);
    try {
      const sync = { allReduceSum: (v: Float64Array) => this.coll.allReduceSum(v), active };
      const { value, grads } = withBatchNormSync(sync, () =>
        tf.variableGrads(
          () => tf.tidy(() => tf.mul(crossEntropy(this.model.forward(x, true), y, this.model.numClasses), scale) as tf.Scalar),
          this.vars,
        ),
      );
      new Float64Array(this.bufs.losses)[this.rank] = value.dataSync()[0];
      value.dispose();
      for (let i = 0; i < this.vars.length; i++) gradsOut.set(grads[this.vars[i].name].dataSync() as Float32Array, this.offsets[i]);
      tf.dispose(grads);
    } finally {
      x.dispose();
      y.dispose();
    }
    this.coll.barrier();
    const all = new Float32Array(this.bufs.grads);
    const reduced = new Float32Array(this.bufs.reduced);
    const [a, b] = shardRange(this.total, this.size, this.rank);
    for (let i = a; i < b; i++) {
      let s = 0;
      for (let r = 0; r < this.size; r++) s += all[r * this.total + i];
      reduced[i] = s;
    }
    this.coll.barrier();
    if (!apply) return;
    const named: tf.NamedTensorMap = {};
    for (let i = 0; i < this.vars.length; i++)
      named[this.vars[i].name] = tf.tensor(reduced.subarray(this.offsets[i], this.offsets[i] + this.vars[i].size), this.vars[i].shape);
    try {
      this.opt.apply(named, lr);
    } finally {
      tf.dispose(named);
    }
  }

  /** Logits (inference mode) of this rank's rows of the evaluation images, in batches of `batchSize`. */
  evaluate(batchSize: number): void {
    const [h, w, c] = this.model.inputShape;
    const per = h * w * c;
    const K = this.model.numClasses;
    const count = this.bufs.evalImages.byteLength / 4 / per;
    const [lo, hi] = shardRange(count, this.size, this.rank);
    const logits = new Float32Array(this.bufs.evalLogits);
    for (let s = lo; s < hi; s += batchSize) {
      const n = Math.min(batchSize, hi - s);
      const x = tf.tensor4d(new Float32Array(this.bufs.evalImages, s * per * 4, n * per), [n, h, w, c]);
      const out = this.model.forward(x);
      logits.set(out.dataSync() as Float32Array, s * K);
      x.dispose();
      out.dispose();
    }
    this.coll.barrier();
  }
}
