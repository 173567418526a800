import { InputError } from '../errors';
import type { ImageDataset, ImageSplit } from './types';

/**
 * A decoded dataset before conversion to float: pixels as bytes (NHWC), 4x smaller than the float32
 * ImageDataset. Every format loader produces this; the cache stores it; `toImageDataset` converts it.
 */
export interface RawSplit {
  pixels: Uint8Array;
  labels: Int32Array;
  count: number;
  coarseLabels?: Int32Array;
}

export interface RawDataset {
  name: string;
  imageShape: [number, number, number];
  numClasses: number;
  classNames: string[];
  coarseClassNames?: string[];
  train: RawSplit;
  test: RawSplit;
  source: string;
}

/** Bytes 0..255 to float32 in [0, 1] (x / 255, exact for 0 and 255). */
export function bytesToUnitFloat(pixels: Uint8Array): Float32Array {
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = v / 255;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = lut[pixels[i]];
  return out;
}

function toSplit(raw: RawSplit): ImageSplit {
  const split: ImageSplit = { images: bytesToUnitFloat(raw.pixels), labels: raw.labels, count: raw.count };
  if (raw.coarseLabels) split.coarseLabels = raw.coarseLabels;
  return split;
}

/** Convert decoded bytes to the float32 NHWC dataset every other stage uses. */
export function toImageDataset(raw: RawDataset): ImageDataset {
  const ds: ImageDataset = {
    name: raw.name,
    imageShape: raw.imageShape,
    numClasses: raw.numClasses,
    classNames: raw.classNames,
    train: toSplit(raw.train),
    test: toSplit(raw.test),
    source: raw.source,
  };
  if (raw.coarseClassNames) ds.coarseClassNames = raw.coarseClassNames;
  return ds;
}

/**
 * Check a decoded dataset is self-consistent: pixel and label lengths match the count, labels lie in
 * [0, numClasses). Loaders call it so that a corrupt file fails loudly instead of training on garbage.
 */
export function validateRawDataset(raw: RawDataset, where: string): void {
  const [h, w, c] = raw.imageShape;
  if (raw.classNames.length !== raw.numClasses) throw new InputError(`${where}: ${raw.classNames.length} class names for ${raw.numClasses} classes`);
  for (const [splitName, s] of [['train', raw.train], ['test', raw.test]] as const) {
    if (s.pixels.length !== s.count * h * w * c) throw new InputError(`${where}: ${splitName} has ${s.pixels.length} pixel bytes, expected ${s.count}x${h}x${w}x${c}`);
    if (s.labels.length !== s.count) throw new InputError(`${where}: ${splitName} has ${s.labels.length} labels for ${s.count} images`);
    checkLabelRange(s.labels, raw.numClasses, `${where} (${splitName} labels)`);
    if (s.coarseLabels) {
      if (s.coarseLabels.length !== s.count) throw new InputError(`${where}: ${splitName} has ${s.coarseLabels.length} coarse labels for ${s.count} images`);
      checkLabelRange(s.coarseLabels, raw.coarseClassNames?.length ?? 0, `${where} (${splitName} coarse labels)`);
    }
  }
}

function checkLabelRange(labels: Int32Array, numClasses: number, where: string): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < numClasses)) throw new InputError(`${where}: label ${y} at index ${i} is outside [0, ${numClasses}); the file is corrupt or not this dataset`);
  }
}
