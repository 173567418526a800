import { Rng } from '../random';
import type { NoisyLabels } from './types';
import { checkFraction, checkSeed, resolveNumClasses } from './validateLabels';

export interface PermuteLabelsOptions {
  /** Number of classes (default: largest label + 1). */
  numClasses?: number;
  /** Keep examples whose shuffled label equals their true label out of the permuted group (default true). */
  excludeUnchanged?: boolean;
}

/**
 * The paper's label noise (docs/paper.md §3.2): choose round(ε·n) training examples uniformly at random
 * and shuffle their labels among themselves (a uniform random permutation of the chosen subset), so
 * the class marginals are unchanged and the rest keep their true labels.
 *
 * About 1/C of the chosen examples get their own class back by chance; they are counted in
 * `unchangedByChance` and, by default, not put in the permuted group (their training label is
 * true, so they cannot be memorized as mislabelled). With `excludeUnchanged: false` they stay in it.
 *
 * Reproducible: the same (labels, ε, seed) give the same result. The chosen examples for a smaller ε
 * are a subset of those for a larger ε with the same seed (the selection is a prefix of one seeded
 * permutation of all examples), so an ε sweep adds noise to a growing set.
 */
export function permuteLabels(trueLabels: Int32Array, epsilon: number, seed: number, opts: PermuteLabelsOptions = {}): NoisyLabels {
  const where = 'permuteLabels';
  checkFraction(epsilon, 'ε (epsilon, the fraction of permuted labels)', where);
  checkSeed(seed, where);
  const numClasses = resolveNumClasses(trueLabels, opts.numClasses, where);
  const excludeUnchanged = opts.excludeUnchanged ?? true;
  const n = trueLabels.length;
  const k = Math.round(epsilon * n);
  const selected = Rng.derive(seed, 'permuteLabels', 'select').permutation(n).subarray(0, k);
  const shuffle = Rng.derive(seed, 'permuteLabels', 'shuffle').permutation(k);

  const trainLabel = Int32Array.from(trueLabels);
  const isSelected = new Uint8Array(n);
  const isPermuted = new Uint8Array(n);
  let unchangedByChance = 0;
  for (let j = 0; j < k; j++) {
    const i = selected[j];
    const y = trueLabels[selected[shuffle[j]]];
    trainLabel[i] = y;
    isSelected[i] = 1;
    const unchanged = y === trueLabels[i];
    if (unchanged) unchangedByChance++;
    isPermuted[i] = unchanged && excludeUnchanged ? 0 : 1;
  }
  return {
    kind: 'permute',
    epsilon,
    seed,
    numClasses,
    trueLabel: Int32Array.from(trueLabels),
    trainLabel,
    isPermuted,
    isSelected,
    unchangedByChance,
    excludeUnchanged,
  };
}
