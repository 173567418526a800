import { InputError } from '../errors';
import type { Row } from '../tables/csv';

/** Accuracy of the four splits of metrics.csv at one epoch. */
export interface SplitAccuracies {
  epoch: number;
  test: number;
  unpermuted: number;
  permuted: number;
  restored: number;
}

/**
 * What training with permuted labels did (paper Fig. 2 top; notebook 01): the test-accuracy peak
 * (the early-stopping epoch, earliest if tied), the last epoch, the drop from one to the other, and
 * when the permuted examples were fitted (train accuracy on their permuted labels ≥ `fitted`).
 */
export interface TrainingSummary {
  peak: SplitAccuracies;
  last: SplitAccuracies;
  /** Peak minus final test accuracy (0.05 = 5 points). */
  testDrop: number;
  /** First epoch with permuted train accuracy ≥ `fitted`, or null. */
  permutedFittedEpoch: number | null;
  fitted: number;
  /** Permuted train accuracy ≥ 0.9 at the last epoch and a test drop ≥ 5 points (memgeo's memorization criterion). */
  memorized: boolean;
  epochs: number;
}

const num = (v: unknown) => (v === null || v === undefined || v === '' ? NaN : Number(v));

export function splitAccuracies(metrics: Row[], epoch: number): SplitAccuracies {
  const acc = (split: string) => num(metrics.find((r) => r.split === split && num(r.epoch) === epoch)?.accuracy);
  return {
    epoch,
    test: acc('test'),
    unpermuted: acc('train_unpermuted'),
    permuted: acc('train_permuted'),
    restored: acc('train_restored'),
  };
}

export function trainingSummary(metrics: Row[], options: { fitted?: number } = {}): TrainingSummary {
  const fitted = options.fitted ?? 0.9;
  const test = metrics.filter((r) => r.split === 'test' && Number.isFinite(num(r.accuracy)));
  if (test.length === 0) throw new InputError('trainingSummary: metrics have no test rows');
  let peakRow = test[0];
  for (const r of test)
    if (num(r.accuracy) > num(peakRow.accuracy) || (num(r.accuracy) === num(peakRow.accuracy) && num(r.epoch) < num(peakRow.epoch)))
      peakRow = r;
  const epochs = [...new Set(metrics.map((r) => num(r.epoch)).filter(Number.isFinite))].sort((a, b) => a - b);
  const peak = splitAccuracies(metrics, num(peakRow.epoch));
  const last = splitAccuracies(metrics, epochs[epochs.length - 1]);
  const fittedAt = epochs.find((e) => splitAccuracies(metrics, e).permuted >= fitted);
  const testDrop = peak.test - last.test;
  return {
    peak,
    last,
    testDrop,
    permutedFittedEpoch: fittedAt ?? null,
    fitted,
    memorized: last.permuted >= 0.9 && testDrop >= 0.05,
    epochs: epochs[epochs.length - 1],
  };
}

/** The summary as a Markdown table plus one sentence (notebook 01). */
export function trainingSummaryMarkdown(s: TrainingSummary): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');
  return [
    '| | epoch | test | train, unpermuted | train, permuted (labels trained on) | train, restored (true labels) |',
    '|---|---|---|---|---|---|',
    `| test-accuracy peak | ${s.peak.epoch} | **${f(s.peak.test)}** | ${f(s.peak.unpermuted)} | ${f(s.peak.permuted)} | ${f(s.peak.restored)} |`,
    `| last epoch | ${s.last.epoch} | ${f(s.last.test)} | ${f(s.last.unpermuted)} | **${f(s.last.permuted)}** | ${f(s.last.restored)} |`,
    '',
    `Test accuracy fell by **${(s.testDrop * 100).toFixed(1)} points** from its peak; the permuted examples were fitted (≥ ${s.fitted}) ` +
      (s.permutedFittedEpoch === null ? '**at no epoch**.' : `from epoch **${s.permutedFittedEpoch}**.`) +
      ` Memorization by memgeo's criterion (permuted ≥ 0.9 at the end, test ≥ 5 points below the peak): **${s.memorized ? 'yes' : 'no'}**.`,
  ].join('\n');
}
