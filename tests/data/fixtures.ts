// Small datasets written in the real on-disk formats (IDX, CIFAR-10/100 binary) for loader tests.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { encodeCifarBinary, encodeIdx, Rng } from 'memgeo';

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `memgeo-test-${prefix}-`));
}

function bytes(n: number, rng: Rng): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  // Make sure the extremes occur so that the [0, 1] range test is meaningful.
  if (n > 1) {
    b[0] = 0;
    b[n - 1] = 255;
  }
  return b;
}

export interface SplitFixture {
  pixels: Uint8Array; // NHWC bytes
  labels: Int32Array;
  coarse?: Int32Array;
}

/** An MNIST-layout folder: 28x28 images, labels i % 10. */
export function writeIdxDir(dir: string, opts: { nTrain: number; nTest: number; gz: boolean; seed?: number }): { train: SplitFixture; test: SplitFixture } {
  fs.mkdirSync(dir, { recursive: true });
  const rng = new Rng(opts.seed ?? 1);
  const write = (name: string, data: Uint8Array) => fs.writeFileSync(path.join(dir, opts.gz ? `${name}.gz` : name), opts.gz ? zlib.gzipSync(data) : data);
  const make = (n: number): SplitFixture => ({ pixels: bytes(n * 784, rng), labels: Int32Array.from({ length: n }, (_, i) => (i * 7 + 3) % 10) });
  const train = make(opts.nTrain);
  const test = make(opts.nTest);
  write('train-images-idx3-ubyte', encodeIdx([opts.nTrain, 28, 28], train.pixels));
  write('train-labels-idx1-ubyte', encodeIdx([opts.nTrain], Uint8Array.from(train.labels)));
  write('t10k-images-idx3-ubyte', encodeIdx([opts.nTest, 28, 28], test.pixels));
  write('t10k-labels-idx1-ubyte', encodeIdx([opts.nTest], Uint8Array.from(test.labels)));
  return { train, test };
}

/** The official CIFAR-10 binary folder: 5 train batches of `perBatch` records and a test batch. */
export function writeCifar10BinDir(dir: string, perBatch: number, opts: { meta?: string[]; seed?: number } = {}): { train: SplitFixture; test: SplitFixture } {
  fs.mkdirSync(dir, { recursive: true });
  const rng = new Rng(opts.seed ?? 2);
  const make = (n: number, offset: number): SplitFixture => ({ pixels: bytes(n * 3072, rng), labels: Int32Array.from({ length: n }, (_, i) => (i + offset) % 10) });
  const batches = Array.from({ length: 5 }, (_, b) => make(perBatch, b));
  batches.forEach((s, b) => fs.writeFileSync(path.join(dir, `data_batch_${b + 1}.bin`), encodeCifarBinary({ pixels: s.pixels, labels: s.labels, count: perBatch })));
  const test = make(perBatch, 5);
  fs.writeFileSync(path.join(dir, 'test_batch.bin'), encodeCifarBinary({ pixels: test.pixels, labels: test.labels, count: perBatch }));
  if (opts.meta) fs.writeFileSync(path.join(dir, 'batches.meta.txt'), opts.meta.join('\n') + '\n\n');
  const train: SplitFixture = {
    pixels: Uint8Array.from(batches.flatMap((s) => Array.from(s.pixels))),
    labels: Int32Array.from(batches.flatMap((s) => Array.from(s.labels))),
  };
  return { train, test };
}

/** The official CIFAR-100 binary folder: train.bin and test.bin with coarse and fine labels. */
export function writeCifar100BinDir(dir: string, nTrain: number, nTest: number, opts: { meta?: { fine: string[]; coarse: string[] }; seed?: number } = {}): { train: SplitFixture; test: SplitFixture } {
  fs.mkdirSync(dir, { recursive: true });
  const rng = new Rng(opts.seed ?? 3);
  const make = (n: number): SplitFixture => {
    const labels = Int32Array.from({ length: n }, (_, i) => (i * 37) % 100);
    return { pixels: bytes(n * 3072, rng), labels, coarse: Int32Array.from(labels, (y) => y % 20) };
  };
  const train = make(nTrain);
  const test = make(nTest);
  for (const [f, s] of [['train.bin', train], ['test.bin', test]] as const)
    fs.writeFileSync(path.join(dir, f), encodeCifarBinary({ pixels: s.pixels, labels: s.labels, coarseLabels: s.coarse, count: s.labels.length }));
  if (opts.meta) {
    fs.writeFileSync(path.join(dir, 'fine_label_names.txt'), opts.meta.fine.join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'coarse_label_names.txt'), opts.meta.coarse.join('\n') + '\n');
  }
  return { train, test };
}

/** Assert-free comparison helper: max |images[i] - bytes[i]/255|. */
export function maxPixelError(images: Float32Array, pixels: Uint8Array): number {
  if (images.length !== pixels.length) return Infinity;
  let m = 0;
  for (let i = 0; i < pixels.length; i++) m = Math.max(m, Math.abs(images[i] - pixels[i] / 255));
  return m;
}
