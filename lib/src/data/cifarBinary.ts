import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES } from './classNames';
import type { RawDataset, RawSplit } from './rawDataset';
import { validateRawDataset } from './rawDataset';
import { isDirectory } from './sourceFiles';

const PIXELS = 32 * 32;
const IMAGE_BYTES = 3 * PIXELS;

/** Decoded records of one CIFAR binary file: HWC bytes, labels, and (CIFAR-100) coarse labels. */
export interface CifarRecords {
  pixels: Uint8Array;
  /** CIFAR-10: the label; CIFAR-100: the fine label. */
  labels: Int32Array;
  /** CIFAR-100 only. */
  coarseLabels?: Int32Array;
  count: number;
}

/**
 * Parse the official CIFAR binary format (https://www.cs.toronto.edu/~kriz/cifar.html): records of
 * `labelBytes` label bytes (CIFAR-10: 1, the label; CIFAR-100: 2, coarse then fine) followed by 3072
 * pixel bytes, the 1024 red, then green, then blue values of a 32x32 image in row-major order. The
 * planes are interleaved here into HWC. A length that is not a whole number of records means a
 * truncated or foreign file and is an error, as is a label outside the class range.
 */
export function parseCifarBinary(buf: Uint8Array, labelBytes: 1 | 2, name = 'CIFAR binary buffer'): CifarRecords {
  const recordBytes = labelBytes + IMAGE_BYTES;
  if (buf.length === 0) throw new InputError(`${name}: empty file`);
  if (buf.length % recordBytes !== 0) {
    const hint = buf.length % (3 - labelBytes + IMAGE_BYTES) === 0 ? ` (it is a whole number of ${3 - labelBytes + IMAGE_BYTES}-byte records: a CIFAR-${labelBytes === 1 ? '100' : '10'} file?)` : '';
    throw new InputError(`${name}: wrong length ${buf.length}: not a whole number of ${recordBytes}-byte records, so the file is truncated or not CIFAR-${labelBytes === 1 ? '10' : '100'} binary${hint}`);
  }
  const count = buf.length / recordBytes;
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Int32Array(count);
  const coarseLabels = labelBytes === 2 ? new Int32Array(count) : undefined;
  const maxFine = labelBytes === 1 ? 10 : 100;
  for (let i = 0; i < count; i++) {
    const rec = i * recordBytes;
    const y = buf[rec + labelBytes - 1];
    if (y >= maxFine) throw new InputError(`${name}: record ${i} has label ${y}, outside [0, ${maxFine}); the file is corrupt or not CIFAR-${maxFine}`);
    labels[i] = y;
    if (coarseLabels) {
      const yc = buf[rec];
      if (yc >= 20) throw new InputError(`${name}: record ${i} has coarse label ${yc}, outside [0, 20); the file is corrupt or not CIFAR-100`);
      coarseLabels[i] = yc;
    }
    const src = rec + labelBytes;
    const dst = i * IMAGE_BYTES;
    for (let p = 0; p < PIXELS; p++) {
      pixels[dst + 3 * p] = buf[src + p];
      pixels[dst + 3 * p + 1] = buf[src + PIXELS + p];
      pixels[dst + 3 * p + 2] = buf[src + 2 * PIXELS + p];
    }
  }
  return coarseLabels ? { pixels, labels, coarseLabels, count } : { pixels, labels, count };
}

/** Encode HWC images and labels as an official CIFAR binary file (for test fixtures). */
export function encodeCifarBinary(records: CifarRecords): Uint8Array {
  const labelBytes = records.coarseLabels ? 2 : 1;
  const recordBytes = labelBytes + IMAGE_BYTES;
  const out = new Uint8Array(records.count * recordBytes);
  for (let i = 0; i < records.count; i++) {
    const rec = i * recordBytes;
    if (records.coarseLabels) out[rec] = records.coarseLabels[i];
    out[rec + labelBytes - 1] = records.labels[i];
    for (let p = 0; p < PIXELS; p++)
      for (let ch = 0; ch < 3; ch++) out[rec + labelBytes + ch * PIXELS + p] = records.pixels[i * IMAGE_BYTES + 3 * p + ch];
  }
  return out;
}

function concatRecords(parts: CifarRecords[]): RawSplit {
  const count = parts.reduce((a, p) => a + p.count, 0);
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Int32Array(count);
  const coarse = parts[0].coarseLabels ? new Int32Array(count) : undefined;
  let off = 0;
  for (const p of parts) {
    pixels.set(p.pixels, off * IMAGE_BYTES);
    labels.set(p.labels, off);
    if (coarse && p.coarseLabels) coarse.set(p.coarseLabels, off);
    off += p.count;
  }
  return coarse ? { pixels, labels, coarseLabels: coarse, count } : { pixels, labels, count };
}

/** Class names from a meta text file (one per line), or the built-in list when the file is absent. */
export function readClassNames(file: string, fallback: string[]): string[] {
  if (!fs.existsSync(file)) return fallback;
  const names = fs.readFileSync(file, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== fallback.length) throw new InputError(`${file}: ${names.length} class names, expected ${fallback.length}`);
  return names;
}

/** The CIFAR-10 binary files: data_batch_1..5.bin, test_batch.bin, and batches.meta.txt if present. */
export const CIFAR10_BINARY_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];
/** The CIFAR-100 binary files: train.bin, test.bin, and fine/coarse_label_names.txt if present. */
export const CIFAR100_BINARY_FILES = ['train.bin', 'test.bin'];

/**
 * The directory that holds `files`: `dir` itself or the subfolder the official tarball extracts to
 * (cifar-10-batches-bin, cifar-100-binary). Returns the missing files when neither has them all.
 */
export function resolveCifarDir(dir: string, subdir: string, files: string[]): { dir?: string; missing: string[] } {
  for (const d of [dir, path.join(dir, subdir)]) {
    if (isDirectory(d) && files.every((f) => fs.existsSync(path.join(d, f)))) return { dir: d, missing: [] };
  }
  if (!isDirectory(dir)) return { missing: [`directory ${dir}`] };
  const d = isDirectory(path.join(dir, subdir)) ? path.join(dir, subdir) : dir;
  return { missing: files.filter((f) => !fs.existsSync(path.join(d, f))) };
}

/** Read the official CIFAR-10 binary version from `dir` (or its cifar-10-batches-bin subfolder). */
export function readCifar10Binary(dir: string, howToGet: string): RawDataset {
  const found = resolveCifarDir(dir, 'cifar-10-batches-bin', CIFAR10_BINARY_FILES);
  if (!found.dir) throw new InputError(`cifar10-bin: not found in ${dir} (missing ${found.missing.join(', ')}). ${howToGet}`);
  const d = found.dir;
  const read = (f: string) => parseCifarBinary(fs.readFileSync(path.join(d, f)), 1, path.join(d, f));
  const raw: RawDataset = {
    name: 'cifar10',
    imageShape: [32, 32, 3],
    numClasses: 10,
    classNames: readClassNames(path.join(d, 'batches.meta.txt'), CIFAR10_CLASSES),
    train: concatRecords(CIFAR10_BINARY_FILES.slice(0, 5).map(read)),
    test: concatRecords([read('test_batch.bin')]),
    source: path.resolve(d),
  };
  validateRawDataset(raw, `cifar10-bin (${d})`);
  return raw;
}

/**
 * Read the official CIFAR-100 binary version from `dir` (or its cifar-100-binary subfolder). With
 * `fine` (default) labels are the 100 fine classes and `coarseLabels` carries the 20 superclasses;
 * otherwise labels are the superclasses.
 */
export function readCifar100Binary(dir: string, fine: boolean, howToGet: string): RawDataset {
  const found = resolveCifarDir(dir, 'cifar-100-binary', CIFAR100_BINARY_FILES);
  if (!found.dir) throw new InputError(`cifar100: not found in ${dir} (missing ${found.missing.join(', ')}). ${howToGet}`);
  const d = found.dir;
  const read = (f: string): RawSplit => {
    const r = parseCifarBinary(fs.readFileSync(path.join(d, f)), 2, path.join(d, f));
    return fine ? r : { pixels: r.pixels, labels: r.coarseLabels!, count: r.count };
  };
  const fineNames = readClassNames(path.join(d, 'fine_label_names.txt'), CIFAR100_FINE_CLASSES);
  const coarseNames = readClassNames(path.join(d, 'coarse_label_names.txt'), CIFAR100_COARSE_CLASSES);
  const raw: RawDataset = {
    name: fine ? 'cifar100' : 'cifar100-coarse',
    imageShape: [32, 32, 3],
    numClasses: fine ? 100 : 20,
    classNames: fine ? fineNames : coarseNames,
    train: read('train.bin'),
    test: read('test.bin'),
    source: path.resolve(d),
  };
  if (fine) raw.coarseClassNames = coarseNames;
  validateRawDataset(raw, `cifar100 (${d})`);
  return raw;
}
