import { InputError } from '../errors';
import { Rng } from '../random';
import type { ImageSplit } from './types';

/** Number of examples of each class, indexed by label. */
export function classCounts(labels: Int32Array, numClasses: number): number[] {
  const c = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(y >= 0 && y < numClasses)) throw new InputError(`classCounts: label ${y} at index ${i} is outside [0, ${numClasses})`);
    c[y]++;
  }
  return c;
}

/** Indices of the examples of each class, in dataset order. */
export function indicesByClass(labels: Int32Array, numClasses: number): Int32Array[] {
  const counts = classCounts(labels, numClasses);
  const out = counts.map((n) => new Int32Array(n));
  const fill = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) out[labels[i]][fill[labels[i]]++] = i;
  return out;
}

/**
 * Seeded balanced subset: `perClass` examples of every class, drawn uniformly without replacement
 * within each class. Returns indices into the split, in ascending (dataset) order. The same seed
 * gives the same subset; each class uses its own sub-stream, so classes do not affect each other.
 * Asking for more examples of a class than exist is an InputError naming the class.
 */
export function balancedSubsetIndices(labels: Int32Array, perClass: number, seed: number, numClasses?: number): Int32Array {
  if (!Number.isInteger(perClass) || perClass < 1) throw new InputError(`balancedSubset: perClass must be a positive integer, got ${perClass}`);
  const C = numClasses ?? labels.reduce((m, y) => Math.max(m, y + 1), 0);
  const byClass = indicesByClass(labels, C);
  const out = new Int32Array(perClass * C);
  for (let c = 0; c < C; c++) {
    const members = byClass[c];
    if (members.length < perClass)
      throw new InputError(`balancedSubset: class ${c} has ${members.length} examples, fewer than the ${perClass} per class requested; lower perClass to at most ${Math.min(...byClass.map((m) => m.length))}`);
    const pick = Rng.derive(seed, 'balancedSubset', c).sample(members.length, perClass);
    for (let k = 0; k < perClass; k++) out[c * perClass + k] = members[pick[k]];
  }
  return out.sort();
}

/** The examples at `indices` as a new split (images copied, NHWC). */
export function selectExamples(split: ImageSplit, indices: Int32Array | number[]): ImageSplit {
  const size = split.count > 0 ? split.images.length / split.count : 0;
  const images = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  const coarse = split.coarseLabels ? new Int32Array(indices.length) : undefined;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!(Number.isInteger(i) && i >= 0 && i < split.count)) throw new InputError(`selectExamples: index ${i} is outside [0, ${split.count})`);
    images.set(split.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = split.labels[i];
    if (coarse) coarse[k] = split.coarseLabels![i];
  }
  const out: ImageSplit = { images, labels, count: indices.length };
  if (coarse) out.coarseLabels = coarse;
  return out;
}

/** A balanced subset as a new split plus the indices it was taken from (see `balancedSubsetIndices`). */
export function balancedSubset(split: ImageSplit, perClass: number, seed: number, numClasses?: number): { split: ImageSplit; indices: Int32Array } {
  const indices = balancedSubsetIndices(split.labels, perClass, seed, numClasses);
  return { split: selectExamples(split, indices), indices };
}
