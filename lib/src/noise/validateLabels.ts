import { InputError } from '../errors';

/** Check labels are integers in [0, numClasses) (inferring numClasses as max + 1 when absent). */
export function resolveNumClasses(trueLabels: Int32Array, numClasses: number | undefined, where: string): number {
  let max = -1;
  for (let i = 0; i < trueLabels.length; i++) {
    const y = trueLabels[i];
    if (y < 0) throw new InputError(`${where}: label ${y} at index ${i} is negative`);
    if (y > max) max = y;
  }
  const C = numClasses ?? max + 1;
  if (!Number.isInteger(C) || C < 1) throw new InputError(`${where}: numClasses must be a positive integer, got ${numClasses}`);
  if (max >= C) throw new InputError(`${where}: label ${max} is outside [0, ${C}); pass the dataset's numClasses`);
  return C;
}

/** ε (or p) must be a number in [0, 1]. */
export function checkFraction(value: number, name: string, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InputError(`${where}: ${name} must be in [0, 1], got ${value}`);
}

export function checkSeed(seed: number, where: string): void {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new InputError(`${where}: seed must be a finite number, got ${seed}`);
}
