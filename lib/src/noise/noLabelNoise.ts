import type { NoisyLabels } from './types';
import { resolveNumClasses } from './validateLabels';

/** No label noise: training labels are the true labels (ε = 0), in the same bookkeeping. */
export function noLabelNoise(trueLabels: Int32Array, numClasses?: number): NoisyLabels {
  const C = resolveNumClasses(trueLabels, numClasses, 'noLabelNoise');
  const n = trueLabels.length;
  return {
    kind: 'none',
    epsilon: 0,
    seed: 0,
    numClasses: C,
    trueLabel: Int32Array.from(trueLabels),
    trainLabel: Int32Array.from(trueLabels),
    isPermuted: new Uint8Array(n),
    isSelected: new Uint8Array(n),
    unchangedByChance: 0,
    excludeUnchanged: true,
  };
}
