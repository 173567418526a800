import { InputError } from '../errors';
import type { GroupView, ManifoldKind, NoisyLabels } from './types';

export const MANIFOLD_KINDS: readonly ManifoldKind[] = ['unpermuted', 'permuted', 'restored'];

/**
 * The examples and grouping labels of one of the paper's three manifold types (docs/paper.md §3.5, Fig. 1A):
 * - unpermuted: examples never chosen for label noise, grouped by their (true = training) label;
 * - permuted: the permuted group, grouped by the label they are trained on;
 * - restored: the same permuted examples, grouped by their true label.
 *
 * Examples chosen for permutation whose shuffled label equals their true label by chance
 * (`unchangedByChance`) are in neither group by default: they are not mislabelled, so they are not
 * permuted, and leaving them out of the unpermuted group keeps that group exactly the examples that
 * label noise never touched (a control that does not depend on how the shuffle came out). With
 * `excludeUnchanged: false` in `permuteLabels` they are in the permuted and restored groups.
 * Indices are in ascending order.
 */
export function groupView(noisy: NoisyLabels, kind: ManifoldKind): GroupView {
  if (!MANIFOLD_KINDS.includes(kind))
    throw new InputError(`groupView: unknown manifold kind '${kind}'; choose one of ${MANIFOLD_KINDS.join(', ')}`);
  const n = noisy.trueLabel.length;
  const inGroup = (i: number) => (kind === 'unpermuted' ? noisy.isSelected[i] === 0 : noisy.isPermuted[i] === 1);
  let count = 0;
  for (let i = 0; i < n; i++) if (inGroup(i)) count++;
  const indices = new Int32Array(count);
  const labels = new Int32Array(count);
  const source = kind === 'permuted' ? noisy.trainLabel : noisy.trueLabel;
  for (let i = 0, k = 0; i < n; i++) {
    if (!inGroup(i)) continue;
    indices[k] = i;
    labels[k++] = source[i];
  }
  return { kind, indices, labels, numClasses: noisy.numClasses };
}

/** Examples per class in a group view, indexed by grouping label. */
export function groupClassCounts(view: GroupView): number[] {
  const c = new Array<number>(viewNumClasses(view)).fill(0);
  for (let k = 0; k < view.labels.length; k++) c[view.labels[k]]++;
  return c;
}

/** The view's class count: `numClasses` when set, else the largest label + 1. */
export function viewNumClasses(view: GroupView): number {
  return view.numClasses ?? view.labels.reduce((m, y) => Math.max(m, y + 1), 0);
}
