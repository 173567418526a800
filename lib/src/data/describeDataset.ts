import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { InputError } from '../errors';
import { CIFAR10_BINARY_FILES, CIFAR100_BINARY_FILES, readClassNames } from './cifarBinary';
import { CIFAR10_PNG_FILES, readCifarPngLabels } from './cifarPng';
import { CIFAR10_CLASSES, CIFAR100_FINE_CLASSES, FASHION_MNIST_CLASSES, MNIST_CLASSES } from './classNames';
import { isGzip, readIdx } from './idx';
import { findIdxFiles } from './idxDataset';
import type { DatasetName } from './loadDataset';
import { datasetCacheFile, DATASET_NAMES, locateDataset } from './loadDataset';

/** One line of `memgeo datasets`: whether a dataset is available here, from where, and its counts. */
export interface DatasetDescription {
  name: DatasetName;
  available: boolean;
  /** The directory it is read from (or would be read from). */
  source: string;
  /** How the directory was chosen: 'option', an environment variable's name, or 'default'. */
  origin: string;
  train: number | null;
  test: number | null;
  /** Number of classes. */
  classes: number | null;
  classNames: string[] | null;
  /** Training examples per class, indexed by label. */
  perClassTrain: number[] | null;
  perClassTest: number[] | null;
  /** The decoded-dataset cache file, when one exists. */
  cacheFile: string | null;
  /** Unavailable: what is missing and how to get it. Available but unreadable: the error. */
  note?: string;
}

function counts(labels: ArrayLike<number>, numClasses: number): number[] {
  const c = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) c[labels[i]]++;
  return c;
}

/** The number of images an IDX images file holds, from its header (without inflating it all). */
function idxImageCount(file: string): number {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(65536);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    let buf: Uint8Array = head.subarray(0, n);
    if (isGzip(buf)) buf = zlib.gunzipSync(buf, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    if (buf.length < 8 || buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 8) throw new InputError(`${file}: bad magic number for an IDX file`);
    return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).readUInt32BE(4);
  } finally {
    fs.closeSync(fd);
  }
}

/** PNG height from the IHDR chunk. */
function pngHeight(file: string): number {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(24);
    fs.readSync(fd, b, 0, 24, 0);
    if (b.readUInt32BE(0) !== 0x89504e47) throw new InputError(`${file}: not a PNG file (bad magic number)`);
    return b.readUInt32BE(20);
  } finally {
    fs.closeSync(fd);
  }
}

/** Labels of CIFAR binary files (1 label byte for CIFAR-10; the fine label, byte 2, for CIFAR-100). */
function cifarBinLabels(files: string[], labelBytes: 1 | 2): Int32Array {
  const rec = labelBytes + 3072;
  const out: number[] = [];
  for (const f of files) {
    const buf = fs.readFileSync(f);
    if (buf.length === 0 || buf.length % rec !== 0) throw new InputError(`${f}: wrong length ${buf.length}: not a whole number of ${rec}-byte records`);
    for (let o = labelBytes - 1; o < buf.length; o += rec) out.push(buf[o]);
  }
  return Int32Array.from(out);
}

interface LabelSummary {
  train: Int32Array;
  test: Int32Array;
  trainImages: number;
  testImages: number;
  classNames: string[];
}

function summarize(name: DatasetName, dir: string): LabelSummary {
  switch (name) {
    case 'mnist':
    case 'fashion-mnist': {
      const f = findIdxFiles(dir).files!;
      return {
        train: Int32Array.from(readIdx(f.trainLabels).data),
        test: Int32Array.from(readIdx(f.testLabels).data),
        trainImages: idxImageCount(f.trainImages),
        testImages: idxImageCount(f.testImages),
        classNames: name === 'mnist' ? MNIST_CLASSES : FASHION_MNIST_CLASSES,
      };
    }
    case 'cifar10':
      return {
        train: readCifarPngLabels(path.join(dir, CIFAR10_PNG_FILES.trainLabels)),
        test: readCifarPngLabels(path.join(dir, CIFAR10_PNG_FILES.testLabels)),
        trainImages: CIFAR10_PNG_FILES.train.reduce((a, f) => a + pngHeight(path.join(dir, f)), 0),
        testImages: CIFAR10_PNG_FILES.test.reduce((a, f) => a + pngHeight(path.join(dir, f)), 0),
        classNames: CIFAR10_CLASSES,
      };
    case 'cifar10-bin': {
      const train = cifarBinLabels(CIFAR10_BINARY_FILES.slice(0, 5).map((f) => path.join(dir, f)), 1);
      const test = cifarBinLabels([path.join(dir, 'test_batch.bin')], 1);
      return { train, test, trainImages: train.length, testImages: test.length, classNames: readClassNames(path.join(dir, 'batches.meta.txt'), CIFAR10_CLASSES) };
    }
    case 'cifar100': {
      const train = cifarBinLabels([path.join(dir, CIFAR100_BINARY_FILES[0])], 2);
      const test = cifarBinLabels([path.join(dir, CIFAR100_BINARY_FILES[1])], 2);
      return { train, test, trainImages: train.length, testImages: test.length, classNames: readClassNames(path.join(dir, 'fine_label_names.txt'), CIFAR100_FINE_CLASSES) };
    }
  }
}

/**
 * Describe a dataset without decoding its images: where it is read from, whether all files are
 * there, and the train/test counts and per-class counts from the label files. Never throws for a
 * missing or broken dataset; `note` says what is wrong and how to fix it.
 */
export function describeDataset(name: DatasetName, opts: { dir?: string; cacheDir?: string } = {}): DatasetDescription {
  const loc = locateDataset(name, opts);
  const cache = datasetCacheFile(name, opts);
  const d: DatasetDescription = {
    name,
    available: false,
    source: loc.dir,
    origin: loc.origin,
    train: null,
    test: null,
    classes: null,
    classNames: null,
    perClassTrain: null,
    perClassTest: null,
    cacheFile: fs.existsSync(cache) ? cache : null,
  };
  if (loc.missing.length) {
    d.note = `missing ${loc.missing.join(', ')}. ${loc.howToGet}`;
    return d;
  }
  try {
    const s = summarize(name, loc.dir);
    const numClasses = s.classNames.length;
    if (s.trainImages !== s.train.length) throw new InputError(`train: ${s.trainImages} images but ${s.train.length} labels`);
    if (s.testImages !== s.test.length) throw new InputError(`test: ${s.testImages} images but ${s.test.length} labels`);
    for (const y of [...s.train, ...s.test]) if (!(y >= 0 && y < numClasses)) throw new InputError(`label ${y} outside [0, ${numClasses})`);
    Object.assign(d, {
      available: true,
      train: s.train.length,
      test: s.test.length,
      classes: numClasses,
      classNames: s.classNames,
      perClassTrain: counts(s.train, numClasses),
      perClassTest: counts(s.test, numClasses),
    });
  } catch (err) {
    d.note = `files present but unreadable: ${(err as Error).message}`;
  }
  return d;
}

/** `describeDataset` for every dataset memgeo knows. */
export function describeDatasets(opts: { cacheDir?: string } = {}): DatasetDescription[] {
  return DATASET_NAMES.map((n) => describeDataset(n, opts));
}
