import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { Model } from '../models/Model';
import { gatherImages } from '../train/runData';
import type { GradientPart } from './parts';

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
      const variables = model
        .layerParams(layer)
        .filter((p) => p.trainable)
        .map((p) => p.variable);
      return { layer, layerIndex: model.pointIndex(layer), variables, size: variables.reduce((a, v) => a + v.size, 0) };
    })
    .filter((s) => s.size > 0);
}

/**
 * Sum of per-example loss gradients, Σ_i ∇_θ ℓ(x_i, y_i), accumulated over batches (docs/paper.md §6),
 * and with `reference` (ū, see `GradientPart`) also its label-dependent part Σ_i J_iᵀ (ū − y_i).
 *
 * The model runs in inference mode (`forward(x, false)`): batch norm uses its running statistics, so
 * each example's gradient depends only on that example, a sum over examples does not depend on how
 * they are batched, and the gradient is the one "at the checkpoint" (training mode would mix the
 * examples of a batch through the batch statistics, and group-only batches would see other statistics
 * than training did). For models without batch norm or dropout (the default CNN) both modes agree.
 *
 * The sum over a set S of per-example gradients equals |S| × the gradient of the mean loss over S,
 * which is what one backward pass of the summed loss gives, so no per-example passes are needed. By
 * linearity the same holds for the parts: the label-dependent sum is the parameter gradient of
 * Σ_i (ū − y_i)·z_i, a second backward pass from the logits of the same forward pass with a constant
 * cotangent, and the label-independent sum is the total minus it. Taking the total from the loss (as
 * without a split) and subtracting keeps the total exact where it is small (fitted examples,
 * p_i ≈ y_i, where the two parts nearly cancel) and costs one backward pass more, not two.
 * Accumulators are backend tensors (owned here): call `dispose()`.
 */
export class GradientAccumulator {
  readonly slices: LayerSlice[];
  private readonly vars: tf.Variable[];
  private sums: tf.Tensor[];
  /** Σ_i J_iᵀ (ū − y_i) per variable; null without a reference. */
  private sumsLabelDependent: tf.Tensor[] | null;
  private readonly reference: tf.Tensor1D | null;
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
    /** ū over the model's classes (`referenceDistribution`): also accumulate the parts; null: the total only. */
    reference: Float32Array | null = null,
  ) {
    const [h, w, c] = model.inputShape;
    const count = labels.length;
    if (images.length !== count * h * w * c)
      throw new InputError(`GradientAccumulator: ${images.length} floats for ${count} images of ${h}x${w}x${c}`);
    if (!(Number.isInteger(batchSize) && batchSize >= 1))
      throw new InputError(`GradientAccumulator: batchSize must be a positive integer, got ${batchSize}`);
    if (reference && reference.length !== model.numClasses)
      throw new InputError(
        `GradientAccumulator: reference distribution over ${reference.length} classes for a model with ${model.numClasses}`,
      );
    this.slices = layerSlices(model);
    this.vars = this.slices.flatMap((s) => s.variables);
    this.sums = this.vars.map((v) => tf.zeros(v.shape));
    this.reference = reference ? tf.keep(tf.tensor1d(reference)) : null;
    this.sumsLabelDependent = reference ? this.vars.map((v) => tf.zeros(v.shape)) : null;
  }

  /** Whether the parts are accumulated (a reference was given). */
  get split(): boolean {
    return this.reference !== null;
  }

  /** Add the gradients of the examples `indices` (into images/labels). */
  add(indices: ArrayLike<number>): void {
    const [h, w, c] = this.model.inputShape;
    const per = h * w * c;
    for (let b = 0; b < indices.length; b += this.batchSize) {
      const idx = Array.prototype.slice.call(indices, b, Math.min(indices.length, b + this.batchSize)) as number[];
      for (const i of idx)
        if (!(i >= 0 && i < this.labels.length))
          throw new InputError(`GradientAccumulator: example index ${i} outside 0..${this.labels.length - 1}`);
      const x = tf.tensor4d(gatherImages(this.images, idx, per), [idx.length, h, w, c]);
      const y = tf.tensor1d(
        Int32Array.from(idx, (i) => this.labels[i]),
        'int32',
      );
      // Cotangent ū − y_i at the logits: constant (no gradient flows through it), so the parameter
      // gradient of Σ_i (ū − y_i)·z_i is Σ_i J_iᵀ (ū − y_i), the label-dependent sum.
      const cotangent = this.reference
        ? tf.tidy(() => tf.sub(this.reference!.expandDims(0), tf.oneHot(y, this.model.numClasses).toFloat()))
        : null;
      let labelDependent: tf.NamedTensorMap | null = null;
      try {
        // One forward pass serves both backward passes: the label-dependent gradient is taken inside
        // the total's recording (tfjs keeps the forward's tape while an outer gradient is open, as for
        // higher-order gradients), so the split costs one backward pass more, not a forward pass too.
        const { value, grads } = tf.variableGrads(() => {
          const z = this.model.forward(x, false);
          if (cotangent) {
            const ld = tf.variableGrads(() => tf.sum(tf.mul(z, cotangent)) as tf.Scalar, this.vars);
            ld.value.dispose();
            labelDependent = ld.grads;
            for (const t of Object.values(ld.grads)) tf.keep(t);
          }
          return summedCrossEntropy(z, y, this.model.numClasses);
        }, this.vars);
        this.lossSum += value.dataSync()[0];
        value.dispose();
        this.sums = accumulate(this.sums, this.vars, grads);
        if (labelDependent && this.sumsLabelDependent) {
          this.sumsLabelDependent = accumulate(this.sumsLabelDependent, this.vars, labelDependent);
          labelDependent = null;
        }
        this.count += idx.length;
      } finally {
        if (labelDependent) tf.dispose(labelDependent);
        tf.dispose([x, y, ...(cotangent ? [cotangent] : [])]);
      }
    }
  }

  /** The current sums of the total gradient, one vector per layer (its trainable parameters concatenated, in order). */
  read(): Float32Array[] {
    return this.readTensors(this.sums);
  }

  /**
   * The current sums of every part, one vector per layer each (see `GradientPart`): `total` as
   * `read()`, `label_dependent` accumulated, `label_independent` = total − label_dependent (so the
   * parts add up to the total to float rounding). Needs a reference.
   */
  readParts(): Record<GradientPart, Float32Array[]> {
    if (!this.sumsLabelDependent)
      throw new InputError('GradientAccumulator: the parts need a reference distribution (constructor argument `reference`)');
    const total = this.read();
    const labelDependent = this.readTensors(this.sumsLabelDependent);
    const labelIndependent = total.map((t, k) => {
      const d = labelDependent[k];
      const out = new Float32Array(t.length);
      for (let i = 0; i < t.length; i++) out[i] = t[i] - d[i];
      return out;
    });
    return { total, label_independent: labelIndependent, label_dependent: labelDependent };
  }

  private readTensors(sums: tf.Tensor[]): Float32Array[] {
    let k = 0;
    return this.slices.map((s) => {
      const out = new Float32Array(s.size);
      let off = 0;
      for (let j = 0; j < s.variables.length; j++, k++) {
        const d = sums[k].dataSync() as Float32Array;
        out.set(d, off);
        off += d.length;
      }
      return out;
    });
  }

  dispose(): void {
    tf.dispose(this.sums);
    this.sums = [];
    if (this.sumsLabelDependent) tf.dispose(this.sumsLabelDependent);
    this.sumsLabelDependent = null;
    if (this.reference) this.reference.dispose();
  }
}

/** sums + grads per variable (both disposed; the new sums returned). */
function accumulate(sums: tf.Tensor[], vars: tf.Variable[], grads: tf.NamedTensorMap): tf.Tensor[] {
  const next = vars.map((v, k) => tf.tidy(() => tf.add(sums[k], grads[v.name])));
  tf.dispose(sums);
  tf.dispose(grads);
  return next;
}

/** Σ_i softmax cross-entropy of logits against integer labels (the training loss times the batch size). */
export function summedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.oneHot(labels, numClasses).toFloat(), tf.logSoftmax(logits)))) as tf.Scalar);
}

/**
 * Σ_{i∈indices} ∇_θ ℓ_i per layer, with the summed loss: one accumulator filled and read once.
 */
export function summedLayerGradients(
  model: Model,
  images: Float32Array,
  labels: Int32Array,
  indices: ArrayLike<number>,
  batchSize = 256,
): { layers: LayerInfo[]; sums: Float32Array[]; lossSum: number; count: number } {
  const acc = new GradientAccumulator(model, images, labels, batchSize);
  try {
    acc.add(indices);
    return {
      layers: acc.slices.map(({ layer, layerIndex, size }) => ({ layer, layerIndex, size })),
      sums: acc.read(),
      lossSum: acc.lossSum,
      count: acc.count,
    };
  } finally {
    acc.dispose();
  }
}
