import { balancedSubset, DATASET_NAMES, loadDataset, type DatasetName } from '../data';
import type { ImageSplit } from '../data/types';
import { InputError } from '../errors';
import { noLabelNoise, permuteLabels, symmetricLabelNoise } from '../noise';
import type { NoisyLabels } from '../noise/types';
import { gatherImages, type RunData, type RunInfo } from './runData';
import type { RunConfig } from './runConfig';

/** Load the dataset named in the config, take the class-balanced subsets and apply the label noise. */
export async function prepareRunData(config: RunConfig): Promise<RunData> {
  const ds = await loadDataset(datasetName(config.dataset));
  const train = subset(ds.train, config.trainSize, ds.numClasses, config.dataSeed, 'trainSize');
  const test = subset(ds.test, config.testSize, ds.numClasses, config.dataSeed, 'testSize');
  const K = ds.numClasses;
  const { kind, epsilon } = config.noise;
  const noisy =
    kind === 'symmetric'
      ? symmetricLabelNoise(train.split.labels, epsilon, config.dataSeed, K)
      : kind === 'permute'
        ? permuteLabels(train.split.labels, epsilon, config.dataSeed, { numClasses: K })
        : noLabelNoise(train.split.labels, K);
  return {
    name: ds.name,
    source: ds.source,
    imageShape: ds.imageShape,
    numClasses: ds.numClasses,
    train: train.split,
    test: test.split,
    noisy,
    trainSourceIndices: train.indices,
    testSourceIndices: test.indices,
  };
}

function subset(
  split: ImageSplit,
  size: number | null,
  numClasses: number,
  seed: number,
  field: string,
): { split: ImageSplit; indices: Int32Array } {
  if (size === null) return { split, indices: Int32Array.from({ length: split.count }, (_, i) => i) };
  if (size % numClasses !== 0)
    throw new InputError(`config.${field}: ${size} is not a multiple of the ${numClasses} classes (subsets are class-balanced)`);
  if (size > split.count) throw new InputError(`config.${field}: ${size} is more than the ${split.count} examples available`);
  return balancedSubset(split, size / numClasses, seed, numClasses);
}

/** Rebuild a run's data from the dataset and the example indices and labels stored in the run. */
export async function loadRunDataFromLabels(
  config: RunConfig,
  info: RunInfo,
  labels: { noisy: NoisyLabels; trainSourceIndices: Int32Array; testSourceIndices: Int32Array; testLabels: Int32Array },
): Promise<RunData> {
  const ds = await loadDataset(datasetName(config.dataset));
  const per = ds.imageShape[0] * ds.imageShape[1] * ds.imageShape[2];
  const pick = (split: ImageSplit, idx: Int32Array, expected: Int32Array, name: string): ImageSplit => {
    const labelsOut = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      if (!(idx[i] >= 0 && idx[i] < split.count))
        throw new InputError(`run labels: ${name} example ${i} points at index ${idx[i]}, outside the dataset's ${split.count}`);
      labelsOut[i] = split.labels[idx[i]];
      if (labelsOut[i] !== expected[i])
        throw new InputError(
          `run labels: ${name} example ${i} (dataset index ${idx[i]}) has label ${labelsOut[i]} in '${config.dataset}' but ${expected[i]} in the run; the dataset files changed`,
        );
    }
    return { images: gatherImages(split.images, idx, per), labels: labelsOut, count: idx.length };
  };
  return {
    name: ds.name,
    source: ds.source,
    imageShape: info.data.imageShape,
    numClasses: info.data.numClasses,
    train: pick(ds.train, labels.trainSourceIndices, labels.noisy.trueLabel, 'train'),
    test: pick(ds.test, labels.testSourceIndices, labels.testLabels, 'test'),
    noisy: labels.noisy,
    trainSourceIndices: labels.trainSourceIndices,
    testSourceIndices: labels.testSourceIndices,
  };
}

function datasetName(name: string): DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(name))
    throw new InputError(`config.dataset: unknown dataset '${name}'; choose one of ${DATASET_NAMES.join(', ')}`);
  return name as DatasetName;
}
