import { InputError } from '../errors';
import type { NoisyLabels } from './types';
import { resolveNumClasses } from './validateLabels';

/**
 * Label-noise bookkeeping for a network trained elsewhere: the true labels, the labels it was trained
 * on, and which examples form the permuted group (the user's mask; default: where the two labels
 * differ). The permuted manifolds group those examples by the label trained on, the restored ones by
 * their true label (docs/paper.md §3.2).
 */
export function labelNoiseFromMask(
  trueLabels: ArrayLike<number>,
  trainLabels: ArrayLike<number>,
  permuted?: ArrayLike<number | boolean>,
  numClasses?: number,
): NoisyLabels {
  const where = 'labelNoiseFromMask';
  const n = trueLabels.length;
  if (trainLabels.length !== n) throw new InputError(`${where}: ${trainLabels.length} training labels for ${n} true labels`);
  if (permuted && permuted.length !== n)
    throw new InputError(`${where}: the permuted mask has ${permuted.length} entries for ${n} examples`);
  const trueLabel = Int32Array.from(trueLabels);
  const trainLabel = Int32Array.from(trainLabels);
  for (const [name, a, src] of [
    ['true', trueLabel, trueLabels],
    ['training', trainLabel, trainLabels],
  ] as const) {
    for (let i = 0; i < n; i++)
      if (a[i] !== src[i]) throw new InputError(`${where}: ${name} label ${src[i]} at index ${i} is not an integer`);
  }
  const C = Math.max(resolveNumClasses(trueLabel, numClasses, where), resolveNumClasses(trainLabel, numClasses, where));
  const isPermuted = new Uint8Array(n);
  for (let i = 0; i < n; i++) isPermuted[i] = permuted ? (permuted[i] ? 1 : 0) : trueLabel[i] !== trainLabel[i] ? 1 : 0;
  let unchanged = 0;
  for (let i = 0; i < n; i++) if (isPermuted[i] && trueLabel[i] === trainLabel[i]) unchanged++;
  const count = isPermuted.reduce((a, b) => a + b, 0);
  return {
    kind: count > 0 ? 'permute' : 'none',
    epsilon: n > 0 ? count / n : 0,
    seed: 0,
    numClasses: C,
    trueLabel,
    trainLabel,
    isPermuted,
    isSelected: Uint8Array.from(isPermuted),
    unchangedByChance: unchanged,
    excludeUnchanged: false,
  };
}
