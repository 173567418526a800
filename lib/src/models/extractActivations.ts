import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { Rng } from '../random';

/**
 * What activations are extracted from: memgeo's `Model`, or a user's `tf.LayersModel` wrapped by
 * `LayersModelPoints`. Analysis points are named; `input` is the input itself.
 */
export interface ActivationSource {
  readonly analysisPoints: string[];
  /** Shape of one example (e.g. [28, 28, 1] or [784]). */
  readonly inputShape: readonly number[];
  /** Index of a point (0 = input); throws an InputError listing the known points. */
  pointIndex(point: string): number;
  /** The points' representations for a batch, each flattened to [batch, features]; the caller disposes them. */
  forwardPoints(x: tf.Tensor, points: string[]): Map<string, tf.Tensor2D>;
}

/** Representations of n examples at one analysis point: row-major [rows = examples, cols = features]. */
export interface ActivationMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
  /** Features of the layer before any projection (C*H*W). */
  inputFeatures: number;
  projected: boolean;
}

export interface ActivationOptions {
  /** Examples per forward pass; bounds memory (the wasm heap fails near 4 GB). Default 256. */
  chunkSize?: number;
  /**
   * Project layers with more features than this to this many with a seeded Gaussian random
   * projection (docs/paper.md §3.5: the analysis projects layers wider than 5000 to 5000). Default: none.
   */
  projectionDim?: number;
  /** Seed of the projection matrices (one per analysis point). Default 0. */
  seed?: number;
  /**
   * Keep projection matrices between calls (e.g. the same layer at every epoch): they are large
   * (features x D floats) and slow to draw. Without it, matrices are drawn for this call and freed.
   */
  projections?: RandomProjections;
}

/** Largest projection matrix kept on the wasm backend, whose whole heap is capped near 4 GiB. */
const MAX_WASM_PROJECTION_BYTES = 1.5 * 2 ** 30;

/**
 * Seeded Gaussian random projections, one matrix per (analysis point, input dim, output dim, seed),
 * drawn once and kept on the tfjs backend until `dispose()`.
 *
 * Follows the MFTMA toolkit's `analyze(projection_dimension)`: M = randn(D, N) with each row scaled to
 * unit norm, x ↦ M x (Johnson–Lindenstrauss; docs/paper.md §3.5). Stored transposed (N x D) so a chunk of
 * activations [n, N] is projected by one matMul.
 */
export class RandomProjections {
  private cache = new Map<string, tf.Tensor2D>();

  get(point: string, inputDim: number, dim: number, seed: number): tf.Tensor2D {
    const key = `${point}|${inputDim}|${dim}|${seed}`;
    let m = this.cache.get(key);
    if (!m) {
      const bytes = inputDim * dim * 4;
      if (tf.getBackend() === 'wasm' && bytes > MAX_WASM_PROJECTION_BYTES) {
        throw new InputError(
          `random projection of '${point}' (${inputDim} features to ${dim}) needs ${(bytes / 2 ** 30).toFixed(2)} GiB, too much for the wasm heap (about 4 GiB in all); ` +
            `use a smaller projectionDim or the tensorflow backend (tfjs-node)`,
        );
      }
      m = tf.tensor2d(gaussianProjection(inputDim, dim, Rng.derive(seed, 'projection', point)), [inputDim, dim]);
      this.cache.set(key, m);
    }
    return m;
  }

  get size(): number {
    return this.cache.size;
  }

  dispose(): void {
    for (const m of this.cache.values()) m.dispose();
    this.cache.clear();
  }
}

/** N x D matrix (row-major) whose columns are unit-norm Gaussian vectors (rows of the toolkit's M). */
export function gaussianProjection(inputDim: number, dim: number, rng: Rng): Float32Array {
  const m = new Float32Array(inputDim * dim);
  rng.fillNormal(m);
  const norm = new Float64Array(dim);
  for (let i = 0; i < inputDim; i++) for (let j = 0, o = i * dim; j < dim; j++) norm[j] += m[o + j] * m[o + j];
  for (let j = 0; j < dim; j++) norm[j] = 1 / Math.sqrt(norm[j]);
  for (let i = 0; i < inputDim; i++) for (let j = 0, o = i * dim; j < dim; j++) m[o + j] *= norm[j];
  return m;
}

/**
 * Representations of `count` images at the given analysis points (inference mode), computed chunk by
 * chunk so memory stays bounded; optionally randomly projected (per chunk, with the same matrix for
 * every chunk). Returns one examples x features matrix per point, in the order asked.
 *
 * @example
 * const acts = await extractActivations(model, split.images, ['conv2', 'fc1'], { projectionDim: 5000, seed: 0 });
 * acts.get('fc1')!.data; // Float32Array, rows = examples
 */
export async function extractActivations(
  model: ActivationSource,
  images: Float32Array,
  points: string[],
  options: ActivationOptions = {},
): Promise<Map<string, ActivationMatrix>> {
  const chunkSize = options.chunkSize ?? 256;
  const seed = options.seed ?? 0;
  const { projectionDim } = options;
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new InputError(`extractActivations: chunkSize must be a positive integer, got ${chunkSize}`);
  if (projectionDim !== undefined && (!Number.isInteger(projectionDim) || projectionDim < 1))
    throw new InputError(`extractActivations: projectionDim must be a positive integer, got ${projectionDim}`);
  if (points.length === 0) throw new InputError('extractActivations: no analysis points given');
  if (new Set(points).size !== points.length) throw new InputError(`extractActivations: analysis points repeat: ${points.join(', ')}`);
  for (const p of points) model.pointIndex(p);
  const shape = [...model.inputShape];
  const per = shape.reduce((a, b) => a * b, 1);
  if (images.length % per !== 0)
    throw new InputError(`extractActivations: images has ${images.length} floats, not a multiple of ${shape.join('x')}`);
  const count = images.length / per;

  const projections = options.projections ?? new RandomProjections();
  const out = new Map<string, ActivationMatrix>();
  try {
    for (let start = 0; start < count; start += chunkSize) {
      const n = Math.min(chunkSize, count - start);
      const x = tf.tensor(images.subarray(start * per, (start + n) * per), [n, ...shape]);
      const acts = model.forwardPoints(x, points);
      x.dispose();
      try {
        for (const p of points) {
          const a = acts.get(p)!;
          const features = a.shape[1];
          const project = projectionDim !== undefined && features > projectionDim;
          let m = out.get(p);
          if (!m) {
            const cols = project ? projectionDim! : features;
            m = { rows: count, cols, data: new Float32Array(count * cols), inputFeatures: features, projected: project };
            out.set(p, m);
          }
          const y = project ? tf.matMul(a, projections.get(p, features, projectionDim!, seed)) : a;
          m.data.set((await y.data()) as Float32Array, start * m.cols);
          if (y !== a) y.dispose();
        }
      } finally {
        for (const t of acts.values()) t.dispose();
      }
    }
  } finally {
    if (!options.projections) projections.dispose();
  }
  if (count === 0) for (const p of points) out.set(p, { rows: 0, cols: 0, data: new Float32Array(0), inputFeatures: 0, projected: false });
  return out;
}
