import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { Model } from '../models/Model';
import { gatherImages } from '../train/runData';

/** An analysis layer: a layer with trainable parameters, whose gradients form one vector. */
export interface LayerInfo {
  layer: string;
  /** Index of the layer's output among the model's analysis points (0 = input), as in the geometry tables. */
  layerIndex: number;
  /** Number of trainable scalars in the layer (the length of its gradient vector). */
  size: number;
}

/** A layer's trainable variables, concatenated in this order into its gradient vector. */
export interface LayerSlice extends LayerInfo {
  variables: tf.Variable[];
}

/** The model's layers with trainable parameters, in order. */
export function layerSlices(model: Model): LayerSlice[] {
  return model.layerNames
    .map((layer) => {
      const variables = model.layerParams(layer).filter((p) => p.trainable).map((p) => p.variable);
      return { layer, layerIndex: model.pointIndex(layer), variables, size: variables.reduce((a, v) => a + v.size, 0) };
    })
    .filter((s) => s.size > 0);
}

/**
 * Sum of per-example loss gradients, Σ_i ∇_θ ℓ(x_i, y_i), accumulated over batches (docs/paper.md §6).
 *
 * The model runs in inference mode (`forward(x, false)`): batch norm uses its running statistics, so
 * each example's gradient depends only on that example, a sum over examples does not depend on how
 * they are batched, and the gradient is the one "at the checkpoint" (training mode would mix the
 * examples of a batch through the batch statistics, and group-only batches would see other statistics
 * than training did). For models without batch norm or dropout (the default CNN) both modes agree.
 *
 * The sum over a set S of per-example gradients equals |S| × the gradient of the mean loss over S,
 * which is what one backward pass of the summed loss gives, so no per-example passes are needed.
 * Accumulators are backend tensors (owned here): call `dispose()`.
 */
export class GradientAccumulator {
  readonly slices: LayerSlice[];
  private readonly vars: tf.Variable[];
  private sums: tf.Tensor[];
  /** Examples added so far. */
  count = 0;
  /** Σ_i ℓ(x_i, y_i) over the examples added. */
  lossSum = 0;

  constructor(
    private readonly model: Model,
    private readonly images: Float32Array,
    /** Labels the loss is taken against (the training labels). */
    private readonly labels: Int32Array,
    private readonly batchSize = 256,
  ) {
    const [h, w, c] = model.inputShape;
    const count = labels.length;
    if (images.length !== count * h * w * c) throw new InputError(`GradientAccumulator: ${images.length} floats for ${count} images of ${h}x${w}x${c}`);
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new InputError(`GradientAccumulator: batchSize must be a positive integer, got ${batchSize}`);
    this.slices = layerSlices(model);
    this.vars = this.slices.flatMap((s) => s.variables);
    this.sums = this.vars.map((v) => tf.zeros(v.shape));
  }

  /** Add the gradients of the examples `indices` (into images/labels). */
  add(indices: ArrayLike<number>): void {
    const [h, w, c] = this.model.inputShape;
    const per = h * w * c;
    for (let b = 0; b < indices.length; b += this.batchSize) {
      const idx = Array.prototype.slice.call(indices, b, Math.min(indices.length, b + this.batchSize)) as number[];
      for (const i of idx) if (!(i >= 0 && i < this.labels.length)) throw new InputError(`GradientAccumulator: example index ${i} outside 0..${this.labels.length - 1}`);
      const x = tf.tensor4d(gatherImages(this.images, idx, per), [idx.length, h, w, c]);
      const y = tf.tensor1d(Int32Array.from(idx, (i) => this.labels[i]), 'int32');
      try {
        const { value, grads } = tf.variableGrads(() => summedCrossEntropy(this.model.forward(x, false), y, this.model.numClasses), this.vars);
        this.lossSum += value.dataSync()[0];
        value.dispose();
        const next = this.vars.map((v, k) => tf.tidy(() => tf.add(this.sums[k], grads[v.name])));
        tf.dispose(this.sums);
        tf.dispose(grads);
        this.sums = next;
        this.count += idx.length;
      } finally {
        x.dispose();
        y.dispose();
      }
    }
  }

  /** The current sums, one vector per layer (its trainable parameters concatenated, in order). */
  read(): Float32Array[] {
    let k = 0;
    return this.slices.map((s) => {
      const out = new Float32Array(s.size);
      let off = 0;
      for (let j = 0; j < s.variables.length; j++, k++) {
        const d = this.sums[k].dataSync() as Float32Array;
        out.set(d, off);
        off += d.length;
      }
      return out;
    });
  }

  dispose(): void {
    tf.dispose(this.sums);
    this.sums = [];
  }
}

/** Σ_i softmax cross-entropy of logits against integer labels (the training loss times the batch size). */
export function summedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.oneHot(labels, numClasses).toFloat(), tf.logSoftmax(logits)))) as tf.Scalar);
}

/**
 * Σ_{i∈indices} ∇_θ ℓ_i per layer, with the summed loss: one accumulator filled and read once.
 */
export function summedLayerGradients(model: Model, images: Float32Array, labels: Int32Array, indices: ArrayLike<number>, batchSize = 256): { layers: LayerInfo[]; sums: Float32Array[]; lossSum: number; count: number } {
  const acc = new GradientAccumulator(model, images, labels, batchSize);
  try {
    acc.add(indices);
    return { layers: acc.slices.map(({ layer, layerIndex, size }) => ({ layer, layerIndex, size })), sums: acc.read(), lossSum: acc.lossSum, count: acc.count };
  } finally {
    acc.dispose();
  }
}
