import { InputError } from '../errors';

/** Epochs to analyse: every checkpoint, an explicit list, or about `count` epochs spread over the run
 * (always including 0, the test-accuracy peak and the last epoch). */
export type EpochSelection = 'all' | number[] | { count: number };

/**
 * Resolve an epoch selection against the epochs that have checkpoints. `{count}` spreads about
 * `count` epochs evenly over the run, always keeping 0, `mustInclude` (e.g. the test-accuracy peak)
 * and the last epoch.
 */
export function selectEpochs(selection: EpochSelection, available: number[], mustInclude: number[] = []): number[] {
  const have = [...available].sort((a, b) => a - b);
  if (have.length === 0) return [];
  if (selection === 'all') return have;
  if (Array.isArray(selection)) {
    const missing = selection.filter((e) => !have.includes(e));
    if (missing.length) throw new InputError(`no checkpoint for epoch(s) ${shortList(missing)} (checkpoints: ${shortList(have)})`);
    return [...new Set(selection)].sort((a, b) => a - b);
  }
  const count = Math.max(2, selection.count);
  if (!Number.isInteger(count)) throw new InputError(`epochs: {count} must be an integer, got ${selection.count}`);
  // Asking for at least as many epochs as there are checkpoints selects them all.
  if (count >= have.length) return have;
  const picked = new Set<number>([have[0], have[have.length - 1], ...mustInclude.filter((e) => have.includes(e))]);
  for (let k = 0; k < count; k++) {
    const target = have[0] + ((have[have.length - 1] - have[0]) * k) / (count - 1);
    let best = have[0];
    for (const e of have) if (Math.abs(e - target) < Math.abs(best - target)) best = e;
    picked.add(best);
  }
  return [...picked].sort((a, b) => a - b);
}

/** At most 20 numbers of a list, for messages ("0, 1, 2, ... (1000 in all)"). */
function shortList(v: number[]): string {
  return v.length <= 20 ? v.join(', ') : `${v.slice(0, 10).join(', ')}, ... ${v.slice(-3).join(', ')} (${v.length} in all)`;
}
