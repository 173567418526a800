import * as tf from '@tensorflow/tfjs';
import type { ImageSplit } from '../data/types';
import type { Model } from '../models';
import type { NoisyLabels } from '../noise/types';

/** Images per forward pass when a model is evaluated (predictLogits, evaluateSplits). */
export const EVAL_BATCH = 512;

/**
 * Stages `from` … `to − 1` of `model` (inference mode, `Model.forwardStages`) on every example of
 * `inputs`, each of `shape` (the input image for `from` = 0, else stage `from − 1`'s output), in
 * batches of `batchSize`. The same batches give the same outputs bit for bit, however the stages are
 * split. Returns the outputs, example-major, and one example's output shape.
 */
export async function forwardInBatches(
  model: Model,
  inputs: Float32Array,
  shape: readonly number[],
  from: number,
  to: number,
  batchSize = EVAL_BATCH,
): Promise<{ shape: number[]; data: Float32Array }> {
  const per = shape.reduce((a, d) => a * d, 1);
  const count = inputs.length / per;
  let data = new Float32Array(0);
  let outShape: number[] = [];
  for (let s = 0; s < count; s += batchSize) {
    const n = Math.min(batchSize, count - s);
    const x = tf.tensor(inputs.subarray(s * per, (s + n) * per), [n, ...shape]);
    const y = model.forwardStages(x, from, to);
    if (s === 0) {
      outShape = y.shape.slice(1);
      data = new Float32Array(count * outShape.reduce((a, d) => a * d, 1));
    }
    data.set((await y.data()) as Float32Array, s * (data.length / count));
    x.dispose();
    y.dispose();
  }
  return { shape: outShape, data };
}

/** Logits of every image (inference mode), computed in batches: row-major [count, numClasses]. */
export async function predictLogits(model: Model, images: Float32Array, batchSize = EVAL_BATCH): Promise<Float32Array> {
  return (await forwardInBatches(model, images, model.inputShape, 0, model.stages.length, batchSize)).data;
}

/** Per-example cross-entropy loss and correctness of logits against labels. */
export function scoreLogits(logits: Float32Array, labels: Int32Array, numClasses: number): { loss: Float64Array; correct: Uint8Array } {
  const n = labels.length;
  const loss = new Float64Array(n);
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * numClasses;
    let max = -Infinity;
    let arg = 0;
    for (let k = 0; k < numClasses; k++) {
      if (logits[o + k] > max) {
        max = logits[o + k];
        arg = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < numClasses; k++) sum += Math.exp(logits[o + k] - max);
    loss[i] = max + Math.log(sum) - logits[o + labels[i]];
    correct[i] = arg === labels[i] ? 1 : 0;
  }
  return { loss, correct };
}

/** The four splits of `metrics.csv`: the training groups of the paper's Fig. 1A, and test. */
export type MetricSplit = 'train_unpermuted' | 'train_permuted' | 'train_restored' | 'test';
export const METRIC_SPLITS: MetricSplit[] = ['train_unpermuted', 'train_permuted', 'train_restored', 'test'];

export interface SplitMetric {
  split: MetricSplit;
  /** Mean cross-entropy; NaN for an empty group. */
  loss: number;
  accuracy: number;
  count: number;
}

/**
 * Loss and accuracy on: unpermuted training examples (their labels), permuted examples against the
 * labels trained on (memorization), the same permuted examples against their true labels (restored:
 * does the network still represent them by their true class), and the test set.
 */
export async function evaluateSplits(
  model: Model,
  data: { train: ImageSplit; test: ImageSplit; noisy: NoisyLabels },
  batchSize = EVAL_BATCH,
): Promise<SplitMetric[]> {
  const trainLogits = await predictLogits(model, data.train.images, batchSize);
  return splitMetrics(trainLogits, await predictLogits(model, data.test.images, batchSize), data, model.numClasses);
}

/** The four splits of `evaluateSplits` from the logits of the training and test images. */
export function splitMetrics(
  trainLogits: Float32Array,
  testLogits: Float32Array,
  data: { train: ImageSplit; test: ImageSplit; noisy: NoisyLabels },
  K: number,
): SplitMetric[] {
  const byTrain = scoreLogits(trainLogits, data.noisy.trainLabel, K);
  const byTrue = scoreLogits(trainLogits, data.noisy.trueLabel, K);
  const testScore = scoreLogits(testLogits, data.test.labels, K);
  const perm = data.noisy.isPermuted;
  const mean = (s: { loss: Float64Array; correct: Uint8Array }, keep: (i: number) => boolean, split: MetricSplit): SplitMetric => {
    let l = 0;
    let c = 0;
    let n = 0;
    for (let i = 0; i < s.loss.length; i++) {
      if (!keep(i)) continue;
      l += s.loss[i];
      c += s.correct[i];
      n++;
    }
    return { split, loss: n > 0 ? l / n : NaN, accuracy: n > 0 ? c / n : NaN, count: n };
  };
  return [
    mean(byTrain, (i) => perm[i] === 0, 'train_unpermuted'),
    mean(byTrain, (i) => perm[i] === 1, 'train_permuted'),
    mean(byTrue, (i) => perm[i] === 1, 'train_restored'),
    mean(testScore, () => true, 'test'),
  ];
}
