import { InputError } from '../errors';
import { Rng } from '../random';
import type { NoisyLabels } from './types';
import { checkFraction, checkSeed, resolveNumClasses } from './validateLabels';

/**
 * Nakkiran et al. (2019)'s label noise for double descent (docs/paper.md §3.2, §5): each training label
 * independently, with probability p, is replaced by a different class chosen uniformly among the
 * other C − 1. Unlike `permuteLabels` the class marginals are not kept exactly and the noisy count is
 * binomial. Every replaced label differs from the true one, so the permuted group is exactly the
 * selected examples and `unchangedByChance` is 0.
 */
export function symmetricLabelNoise(trueLabels: Int32Array, p: number, seed: number, numClasses?: number): NoisyLabels {
  const where = 'symmetricLabelNoise';
  checkFraction(p, 'p (the label-noise probability)', where);
  checkSeed(seed, where);
  const C = resolveNumClasses(trueLabels, numClasses, where);
  if (C < 2 && p > 0) throw new InputError(`${where}: needs at least 2 classes to replace a label by a different one, got ${C}`);
  const n = trueLabels.length;
  // Separate streams for the coins and the new classes: which examples are noisy depends only on
  // (seed, p), and for one seed the noisy set for a smaller p is a subset of that for a larger p.
  const coins = Rng.derive(seed, 'symmetricLabelNoise', 'coin');
  const classes = Rng.derive(seed, 'symmetricLabelNoise', 'class');
  const trainLabel = Int32Array.from(trueLabels);
  const isSelected = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (coins.uniform() < p) {
      isSelected[i] = 1;
      trainLabel[i] = (trueLabels[i] + 1 + classes.int(C - 1)) % C;
    }
  }
  return {
    kind: 'symmetric',
    epsilon: p,
    seed,
    numClasses: C,
    trueLabel: Int32Array.from(trueLabels),
    trainLabel,
    isPermuted: Uint8Array.from(isSelected),
    isSelected,
    unchangedByChance: 0,
    excludeUnchanged: true,
  };
}
