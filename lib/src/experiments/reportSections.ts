import type { Row } from '../tables/csv';
import { testPeak, trainingCurves } from '../plots';
import type { ReportSection } from '../report';
import type { Experiment } from './experiment';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function accuracyAt(metrics: Row[], epoch: number, split: string): number {
  const r = metrics.find((m) => Number(m.epoch) === epoch && m.split === split);
  return r ? Number(r.accuracy) : NaN;
}

/** Training with permuted labels: generalization first, memorization late (paper Fig. 2, top; §3.2). */
export function trainingSection(exp: Experiment): ReportSection | null {
  const metrics = exp.table('metrics');
  if (metrics.length === 0) return null;
  const peak = testPeak(metrics);
  const last = Math.max(...metrics.map((m) => Number(m.epoch)));
  const finalTest = accuracyAt(metrics, last, 'test');
  const finalPermuted = accuracyAt(metrics, last, 'train_permuted');
  const peakPermuted = accuracyAt(metrics, peak.epoch, 'train_permuted');
  const drop = peak.accuracy - finalTest;
  const cfg = exp.preset.train;
  return {
    id: 'training',
    title: 'Training with permuted labels',
    paperClaim:
      'With a fraction ε of labels permuted, a network first learns from the examples that share features (test accuracy rises to an early peak while permuted examples are not fitted); later it memorizes the permuted examples and test accuracy falls (paper Fig. 2, top; the shape of the curve is recalled, not verified, see paper.md).',
    figures: [{ name: 'training-curves', caption: 'Accuracy by epoch: unpermuted, permuted (trained labels), restored (true labels of permuted examples), test.', figure: trainingCurves(metrics) }],
    numbers: {
      columns: ['quantity', 'value'],
      rows: [
        ['test-accuracy peak (epoch)', `${pct(peak.accuracy)} (epoch ${peak.epoch})`],
        ['final test accuracy (epoch)', `${pct(finalTest)} (epoch ${last})`],
        ['permuted training accuracy at the peak / final', `${pct(peakPermuted)} / ${pct(finalPermuted)}`],
      ],
    },
    checks: [
      { claim: 'the permuted examples are memorized (final training accuracy on them ≥ 90%)', held: finalPermuted >= 0.9, evidence: `final permuted training accuracy ${pct(finalPermuted)} at epoch ${last}` },
      { claim: 'test accuracy falls at least 5 points below its peak', held: drop >= 0.05, evidence: `peak ${pct(peak.accuracy)} at epoch ${peak.epoch}, final ${pct(finalTest)}: a drop of ${(100 * drop).toFixed(1)} points` },
    ],
    notes: [`Setting: ${cfg.dataset}, ${cfg.trainSize ?? 'all'} training images, noise ${JSON.stringify(cfg.noise)}, model ${JSON.stringify(cfg.model)}, ${cfg.epochs} epochs.`],
  };
}
