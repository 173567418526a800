import { createHash } from 'crypto';
import type { ImageSplit } from '../data/types';
import type { NoisyLabels } from '../noise/types';

/** Provenance stored next to the config; `backend` must match to resume (weights depend on it). */
export interface RunInfo {
  backend: string;
  /** Threads that train the run together (data parallel); absent in runs made before it existed (= 1). */
  workers?: number;
  memgeoVersion: string;
  node: string;
  createdAt: string;
  data: {
    source: string;
    imageShape: [number, number, number];
    numClasses: number;
    trainCount: number;
    testCount: number;
    permutedCount: number;
    unchangedByChance: number;
    excludeUnchanged: boolean;
    noiseSeed: number;
    /** SHA-256 of the training and test images and labels (runs made before memgeo recorded it have none). */
    fingerprint?: DataFingerprint;
  };
}

/**
 * The data of one run: the training subset with its noisy labels and the test subset, plus where
 * each example came from in the full dataset (so analyses can find the exact examples again).
 */
export interface RunData {
  /** Dataset name (as in the config). */
  name: string;
  /** Provenance of the files (package, directory). */
  source: string;
  imageShape: [number, number, number];
  numClasses: number;
  /** Training subset; `train.labels` are the true labels. */
  train: ImageSplit;
  test: ImageSplit;
  /** Label noise of the training subset: `noisy.trueLabel` equals `train.labels`. */
  noisy: NoisyLabels;
  /** Index of every training example in the full training split. */
  trainSourceIndices: Int32Array;
  /** Index of every test example in the full test split. */
  testSourceIndices: Int32Array;
}

/** SHA-256 (hex) of each split's images (float32, in run order) and true labels (int32). */
export interface DataFingerprint {
  train: string;
  test: string;
}

/** The fingerprint a run records of its data (config.json, `run.data.fingerprint`). */
export function dataFingerprint(d: Pick<RunData, 'train' | 'test'>): DataFingerprint {
  const hash = (s: ImageSplit) => {
    const labels = Int32Array.from(s.labels);
    return createHash('sha256')
      .update(Buffer.from(s.images.buffer, s.images.byteOffset, s.images.byteLength))
      .update(Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength))
      .digest('hex');
  };
  return { train: hash(d.train), test: hash(d.test) };
}

/** Check the pieces fit together; every message names what is wrong. */
export function validateRunData(d: RunData): void {
  const [h, w, c] = d.imageShape;
  const per = h * w * c;
  for (const [name, s] of [
    ['train', d.train],
    ['test', d.test],
  ] as const) {
    if (s.images.length !== s.count * per)
      throw new Error(`run data: ${name} has ${s.images.length} floats for ${s.count} images of ${h}x${w}x${c}`);
    if (s.labels.length !== s.count) throw new Error(`run data: ${name} has ${s.labels.length} labels for ${s.count} images`);
    for (let i = 0; i < s.count; i++)
      if (!(s.labels[i] >= 0 && s.labels[i] < d.numClasses))
        throw new Error(`run data: ${name} label ${i} is ${s.labels[i]}, outside 0..${d.numClasses - 1}`);
  }
  const n = d.train.count;
  const { noisy } = d;
  if (noisy.trueLabel.length !== n || noisy.trainLabel.length !== n || noisy.isPermuted.length !== n)
    throw new Error(`run data: noisy labels cover ${noisy.trueLabel.length} examples, the training set has ${n}`);
  for (let i = 0; i < n; i++) {
    if (noisy.trueLabel[i] !== d.train.labels[i])
      throw new Error(`run data: noisy.trueLabel[${i}] = ${noisy.trueLabel[i]} but the training label is ${d.train.labels[i]}`);
    if (!(noisy.trainLabel[i] >= 0 && noisy.trainLabel[i] < d.numClasses))
      throw new Error(`run data: noisy.trainLabel[${i}] = ${noisy.trainLabel[i]} is outside 0..${d.numClasses - 1}`);
  }
  if (d.trainSourceIndices.length !== n) throw new Error(`run data: ${d.trainSourceIndices.length} train source indices for ${n} examples`);
  if (d.testSourceIndices.length !== d.test.count)
    throw new Error(`run data: ${d.testSourceIndices.length} test source indices for ${d.test.count} examples`);
}

/** Images of the given examples, copied into one NHWC array. */
export function gatherImages(images: Float32Array, indices: ArrayLike<number>, perImage: number, out?: Float32Array): Float32Array {
  const o = out ?? new Float32Array(indices.length * perImage);
  for (let i = 0; i < indices.length; i++) o.set(images.subarray(indices[i] * perImage, (indices[i] + 1) * perImage), i * perImage);
  return o;
}
