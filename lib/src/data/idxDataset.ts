import * as path from 'path';
import { InputError } from '../errors';
import { readIdx } from './idx';
import type { RawDataset, RawSplit } from './rawDataset';
import { validateRawDataset } from './rawDataset';
import { firstExisting, isDirectory } from './sourceFiles';

/** The four files of an MNIST-layout directory (train/t10k, images/labels), plain or .gz. */
export interface IdxFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

const STEMS: Record<keyof IdxFiles, string> = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

function candidates(stem: string): string[] {
  // Official names use '-idx'; some mirrors use '.idx'. Either may be gzipped.
  const dotted = stem.replace('-idx', '.idx');
  return [stem, `${stem}.gz`, dotted, `${dotted}.gz`];
}

/**
 * Locate the four IDX files in `dir`. Returns the missing ones (by expected name) instead of throwing,
 * so that callers can say exactly what is absent.
 */
export function findIdxFiles(dir: string): { files?: IdxFiles; missing: string[] } {
  if (!isDirectory(dir)) return { missing: [`directory ${dir}`] };
  const found: Partial<IdxFiles> = {};
  const missing: string[] = [];
  for (const key of Object.keys(STEMS) as (keyof IdxFiles)[]) {
    const f = firstExisting(dir, candidates(STEMS[key]));
    if (f) found[key] = f;
    else missing.push(`${STEMS[key]}[.gz]`);
  }
  return missing.length ? { missing } : { files: found as IdxFiles, missing };
}

function readSplit(imagesFile: string, labelsFile: string, h: number, w: number): RawSplit {
  const images = readIdx(imagesFile);
  const labels = readIdx(labelsFile);
  if (images.dims.length !== 3 || images.dims[1] !== h || images.dims[2] !== w)
    throw new InputError(`${imagesFile}: expected images of shape [N, ${h}, ${w}], header says [${images.dims.join(', ')}]`);
  if (labels.dims.length !== 1) throw new InputError(`${labelsFile}: expected a 1-d label array, header says [${labels.dims.join(', ')}]`);
  if (labels.dims[0] !== images.dims[0])
    throw new InputError(`${imagesFile} has ${images.dims[0]} images but ${labelsFile} has ${labels.dims[0]} labels`);
  return { pixels: images.data, labels: Int32Array.from(labels.data), count: images.dims[0] };
}

/**
 * Read an MNIST-layout dataset (MNIST, Fashion-MNIST): 28x28 grey images, one channel, labels 0..9.
 * Throws an InputError naming the missing files when the directory is incomplete.
 */
export function readIdxDataset(dir: string, name: string, classNames: string[], howToGet: string): RawDataset {
  const { files, missing } = findIdxFiles(dir);
  if (!files) throw new InputError(`${name}: not found in ${dir} (missing ${missing.join(', ')}). ${howToGet}`);
  const raw: RawDataset = {
    name,
    imageShape: [28, 28, 1],
    numClasses: classNames.length,
    classNames,
    train: readSplit(files.trainImages, files.trainLabels, 28, 28),
    test: readSplit(files.testImages, files.testLabels, 28, 28),
    source: path.resolve(dir),
  };
  validateRawDataset(raw, `${name} (${dir})`);
  return raw;
}
