import type { Row } from '../tables/csv';
import { rewindCurves, rewindHeatmap, testPeak, trainingCurves } from '../plots';
import { rewindingFindings } from '../rewind';
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

/** Layer rewinding restores generalization (paper Fig. 4, §4), next to Maini et al.'s measure. */
export function rewindingSection(exp: Experiment): ReportSection | null {
  const rows = exp.table('rewinding');
  const metrics = exp.table('metrics');
  if (rows.length === 0 || metrics.length === 0) return null;
  const f = rewindingFindings(rows, metrics);
  const acc = (a: { test_accuracy: number; recovered: number; train_permuted_accuracy: number; layers: string[] }, what: string) => [what, a.layers.join(', '), pct(a.test_accuracy), pct(a.recovered), pct(a.train_permuted_accuracy)];
  return {
    id: 'rewinding',
    title: 'Rewinding the final layers restores generalization',
    paperClaim:
      'Reverting the weights of the final few layers to an epoch before significant memorization restores generalization (test accuracy), while early layers, barely changed by memorization, matter little [verified claim; protocol reconstructed, paper.md §4]. Maini et al. (2023) measure accuracy on the memorized examples instead and argue memorization is not confined to the last layers.',
    figures: [
      { name: 'rewinding-test-heatmap', caption: 'Test accuracy after rewinding one layer (row) to an earlier epoch (column).', figure: rewindHeatmap(rows, 'test_accuracy', { peakEpoch: f.peakEpoch, reference: f.finalTestAccuracy }) },
      { name: 'rewinding-permuted-heatmap', caption: "Accuracy on the permuted examples (labels trained on; Maini et al.'s measure) after rewinding one layer.", figure: rewindHeatmap(rows, 'train_permuted_accuracy', { peakEpoch: f.peakEpoch }) },
      { name: 'rewinding-curves', caption: `Rewinding the last L or the first L layers to epoch ${f.targetEpoch}, against the final and the peak test accuracy.`, figure: rewindCurves(rows, f.targetEpoch, { finalTestAccuracy: f.finalTestAccuracy, peakTestAccuracy: f.peakTestAccuracy }) },
    ],
    numbers: {
      columns: [`rewound to epoch ${f.targetEpoch}`, 'layers', 'test accuracy', 'share of the drop recovered', 'permuted examples, trained labels'],
      rows: [
        ['final model (nothing rewound)', '-', pct(f.finalTestAccuracy), '0%', pct(f.finalPermutedAccuracy)],
        ...(f.last ? [acc(f.last, `last ${f.last.L} layers`)] : []),
        ...(f.first ? [acc(f.first, 'first layer only')] : []),
        ...f.single.map((a) => acc(a, 'one layer')),
      ],
    },
    checks: f.checks,
    notes: [`Peak test accuracy ${pct(f.peakTestAccuracy)} at epoch ${f.peakEpoch}; final ${pct(f.finalTestAccuracy)} at epoch ${f.finalEpoch}. Layers whose rewinding alone undoes most of the memorization: ${f.memorizingLayers.join(', ') || 'none'}.`],
  };
}
