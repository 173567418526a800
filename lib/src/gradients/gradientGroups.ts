import type { NoisyLabels } from '../noise/types';

/**
 * The groups whose gradients are compared (docs/paper.md §6):
 * - `unpermuted`: examples never chosen for label noise (trained on their true label);
 * - `permuted`: the permuted group (trained on a shuffled label that differs from the true one);
 * - `unchanged`: examples chosen for permutation whose shuffled label equals the true label by chance
 *   (in neither group, as in `groupView`); present only when there are any.
 * Together they partition the training set, so their contributions add up to the full-batch gradient.
 */
export type GradientGroup = 'unpermuted' | 'permuted' | 'unchanged';

export const GRADIENT_GROUPS: readonly GradientGroup[] = ['unpermuted', 'permuted', 'unchanged'];

export interface GroupIndices {
  group: GradientGroup;
  /** Indices into the training split, ascending. */
  indices: Int32Array;
}

/** Partition the training examples into the gradient groups (empty groups are left out). */
export function gradientGroups(noisy: NoisyLabels): GroupIndices[] {
  const n = noisy.trainLabel.length;
  const of = (i: number): GradientGroup =>
    noisy.isPermuted[i] === 1 ? 'permuted' : noisy.isSelected[i] === 1 ? 'unchanged' : 'unpermuted';
  const lists: Record<GradientGroup, number[]> = { unpermuted: [], permuted: [], unchanged: [] };
  for (let i = 0; i < n; i++) lists[of(i)].push(i);
  return GRADIENT_GROUPS.filter((g) => lists[g].length > 0).map((group) => ({ group, indices: Int32Array.from(lists[group]) }));
}
