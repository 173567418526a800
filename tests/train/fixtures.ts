import type { ImageSplit, RunData } from 'memgeo';
import { permuteLabels, Rng } from 'memgeo';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every file under `dir` (relative path) with its bytes: to show a command left a folder as it was. */
export function fileSnapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/**
 * A small learnable image dataset: each class is a random prototype image, examples are the
 * prototype plus pixel noise, in [0, 1]. Deterministic in `seed`.
 */
export function syntheticSplit(count: number, shape: [number, number, number], numClasses: number, seed: number, noise = 0.35): ImageSplit {
  const per = shape[0] * shape[1] * shape[2];
  const protoRng = Rng.derive(1234, 'prototypes', per, numClasses);
  const protos = Array.from({ length: numClasses }, () => Float32Array.from({ length: per }, () => protoRng.uniform()));
  const rng = Rng.derive(seed, 'examples');
  const images = new Float32Array(count * per);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = i % numClasses;
    labels[i] = k;
    for (let j = 0; j < per; j++) images[i * per + j] = Math.min(1, Math.max(0, (1 - noise) * protos[k][j] + noise * rng.uniform()));
  }
  return { images, labels, count };
}

export function syntheticRunData(opts: {
  trainCount: number;
  testCount: number;
  shape: [number, number, number];
  numClasses?: number;
  epsilon?: number;
  seed?: number;
}): RunData {
  const K = opts.numClasses ?? 4;
  const train = syntheticSplit(opts.trainCount, opts.shape, K, 1);
  const test = syntheticSplit(opts.testCount, opts.shape, K, 2);
  return {
    name: 'synthetic',
    source: 'tests/train/fixtures.ts',
    imageShape: opts.shape,
    numClasses: K,
    train,
    test,
    noisy: permuteLabels(train.labels, opts.epsilon ?? 0.5, opts.seed ?? 0, { numClasses: K }),
    trainSourceIndices: Int32Array.from({ length: opts.trainCount }, (_, i) => i),
    testSourceIndices: Int32Array.from({ length: opts.testCount }, (_, i) => i),
  };
}

/** Settings of the small runs in the training tests (a preactivation ResNet so batch norm is covered). */
export const SMALL_RUN = {
  data: { trainCount: 48, testCount: 16, shape: [8, 8, 1] as [number, number, number], numClasses: 4, epsilon: 0.5 },
  config: {
    dataset: 'synthetic',
    trainSize: 48,
    testSize: 16,
    model: { family: 'resnet18' as const, width: 1 },
    optimizer: { kind: 'adam' as const, lr: 0.01 },
    epochs: 4,
    batchSize: 16,
    seed: 3,
  },
};
