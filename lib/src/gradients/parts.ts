import { InputError } from '../errors';
import type { Row } from '../tables/csv';

/**
 * The parts of a summed gradient (docs/paper.md §6). For cross-entropy the gradient with respect to
 * example i's logits z_i is p_i − y_i = (p_i − ū) + (ū − y_i), with ū a fixed reference distribution
 * over the classes (`referenceDistribution`). Back-propagated through the same Jacobian J_i = ∂z_i/∂θ,
 * each example's parameter gradient splits exactly into
 * - `label_independent`: J_iᵀ (p_i − ū), what the network's own prediction pushes, the same kind of
 *   vector whatever label the example carries;
 * - `label_dependent`: J_iᵀ (ū − y_i), the only part that carries the label;
 * and `total` = their sum = ∇_θ ℓ_i, the gradient of today's tables.
 */
export type GradientPart = 'total' | 'label_independent' | 'label_dependent';

export const GRADIENT_PARTS: readonly GradientPart[] = ['total', 'label_independent', 'label_dependent'];

/**
 * The reference distribution ū of the split:
 * - `uniform` (the default): ū = 1/C for every class. It is what a network with no opinion predicts,
 *   the point the paper's argument starts from (p ≈ 1/C near initialization, docs/paper.md §6), and it
 *   does not depend on the data, so the label-independent part is exactly zero for a network whose
 *   outputs are uniform and measures only how far the predictions have moved away from uniform.
 * - `class_frequencies`: ū_c = the fraction of training examples whose label (the one trained on) is
 *   c. Then Σ_i (ū − y_i) = 0 over the training set, so for labels drawn independently of the inputs
 *   the label-dependent part has mean exactly zero even when the classes are unbalanced; with
 *   uniform ū an imbalance leaves a small coherent term (ū − class frequencies)·E[J] in it. Offered
 *   for unbalanced data; on the (nearly balanced) MNIST subsets the two differ by ~1% per class.
 */
export type GradientReference = 'uniform' | 'class_frequencies';

export const GRADIENT_REFERENCES: readonly GradientReference[] = ['uniform', 'class_frequencies'];

/** ū as a vector over the C classes (see `GradientReference`); `labels` are the labels trained on. */
export function referenceDistribution(reference: GradientReference, labels: Int32Array, numClasses: number): Float32Array {
  if (!(GRADIENT_REFERENCES as readonly string[]).includes(reference))
    throw new InputError(`gradient reference: unknown '${reference}'; known: ${GRADIENT_REFERENCES.join(', ')}`);
  if (reference === 'uniform') return new Float32Array(numClasses).fill(1 / numClasses);
  if (labels.length === 0) throw new InputError('gradient reference class_frequencies: no labels');
  const out = new Float32Array(numClasses);
  for (const y of labels) {
    if (!(y >= 0 && y < numClasses)) throw new InputError(`gradient reference: label ${y} outside 0..${numClasses - 1}`);
    out[y] += 1 / labels.length;
  }
  return out;
}

/** The `part` of a gradients table row; rows of tables written before the split into parts are `total`. */
export function partOf(r: Row): GradientPart {
  const p = r.part;
  return p === undefined || p === null || p === '' ? 'total' : (String(p) as GradientPart);
}
