import { InputError } from '../errors';
import type { ImageDataset, ImageSplit } from '../data/types';
import type { NoisyLabels } from '../noise/types';
import { gatherImages, type RunData } from './runData';
import type { RunConfig } from './runConfig';
import type { RunInfo } from './runDir';

/* The dataset loaders and label noise come from lib/src/data and lib/src/noise (issue 3). */
interface DataApi {
  loadDataset(name: string): Promise<ImageDataset> | ImageDataset;
  balancedSubset(split: ImageSplit, perClass: number, seed: number, numClasses?: number): { split: ImageSplit; indices: Int32Array };
  permuteLabels(trueLabels: Int32Array, epsilon: number, seed: number, opts: { numClasses?: number }): NoisyLabels;
  symmetricLabelNoise(trueLabels: Int32Array, p: number, seed: number, numClasses?: number): NoisyLabels;
  noLabelNoise(trueLabels: Int32Array, numClasses?: number): NoisyLabels;
}

function dataApi(): DataApi {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const api = { ...require('../data'), ...require('../noise') } as Partial<DataApi>;
  for (const f of ['loadDataset', 'balancedSubset', 'permuteLabels', 'symmetricLabelNoise', 'noLabelNoise'] as const) {
    if (typeof api[f] !== 'function') throw new Error(`memgeo: ${f} is not available in this build (datasets/label noise, issue 3)`);
  }
  return api as DataApi;
}

/** Load the dataset named in the config, take the class-balanced subsets and apply the label noise. */
export async function prepareRunData(config: RunConfig): Promise<RunData> {
  const api = dataApi();
  const ds = await api.loadDataset(config.dataset);
  const train = subset(api, ds.train, config.trainSize, ds.numClasses, config.dataSeed, 'trainSize');
  const test = subset(api, ds.test, config.testSize, ds.numClasses, config.dataSeed, 'testSize');
  const K = ds.numClasses;
  const { kind, epsilon } = config.noise;
  const noisy =
    kind === 'symmetric'
      ? api.symmetricLabelNoise(train.split.labels, epsilon, config.dataSeed, K)
      : kind === 'permute'
        ? api.permuteLabels(train.split.labels, epsilon, config.dataSeed, { numClasses: K })
        : api.noLabelNoise(train.split.labels, K);
  return { name: ds.name, source: ds.source, imageShape: ds.imageShape, numClasses: ds.numClasses, train: train.split, test: test.split, noisy, trainSourceIndices: train.indices, testSourceIndices: test.indices };
}

function subset(api: DataApi, split: ImageSplit, size: number | null, numClasses: number, seed: number, field: string): { split: ImageSplit; indices: Int32Array } {
  if (size === null) return { split, indices: Int32Array.from({ length: split.count }, (_, i) => i) };
  if (size % numClasses !== 0) throw new InputError(`config.${field}: ${size} is not a multiple of the ${numClasses} classes (subsets are class-balanced)`);
  if (size > split.count) throw new InputError(`config.${field}: ${size} is more than the ${split.count} examples available`);
  return api.balancedSubset(split, size / numClasses, seed, numClasses);
}

/** Rebuild a run's data from the dataset and the example indices and labels stored in the run. */
export async function loadRunDataFromLabels(
  config: RunConfig,
  info: RunInfo,
  labels: { noisy: NoisyLabels; trainSourceIndices: Int32Array; testSourceIndices: Int32Array; testLabels: Int32Array },
): Promise<RunData> {
  const ds = await dataApi().loadDataset(config.dataset);
  const per = ds.imageShape[0] * ds.imageShape[1] * ds.imageShape[2];
  const pick = (split: ImageSplit, idx: Int32Array, expected: Int32Array, name: string): ImageSplit => {
    const labelsOut = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) {
      if (!(idx[i] >= 0 && idx[i] < split.count)) throw new InputError(`run labels: ${name} example ${i} points at index ${idx[i]}, outside the dataset's ${split.count}`);
      labelsOut[i] = split.labels[idx[i]];
      if (labelsOut[i] !== expected[i]) throw new InputError(`run labels: ${name} example ${i} (dataset index ${idx[i]}) has label ${labelsOut[i]} in '${config.dataset}' but ${expected[i]} in the run; the dataset files changed`);
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
