import type { Row } from '../tables/csv';
import { axis, baseLayout, COLORS, type Figure, type Trace } from './figure';
import { col, sortBy, where } from './tidy';

const SPLITS: [string, string][] = [
  ['train_unpermuted', 'train, unpermuted'],
  ['train_permuted', 'train, permuted (trained labels)'],
  ['train_restored', 'train, restored (true labels)'],
  ['test', 'test'],
];

/** The epoch with the highest test accuracy (the early-stopping epoch) and that accuracy. */
export function testPeak(metrics: Row[]): { epoch: number; accuracy: number } {
  const test = where(metrics, { split: 'test' });
  if (test.length === 0) throw new Error('testPeak: metrics have no test rows');
  let best = test[0];
  for (const r of test) if (Number(r.accuracy) > Number(best.accuracy)) best = r;
  return { epoch: Number(best.epoch), accuracy: Number(best.accuracy) };
}

/** Accuracy against epoch for the four splits of metrics.csv, with the test-accuracy peak marked (paper Fig. 2, top). */
export function trainingCurves(metrics: Row[], title = 'Accuracy during training with permuted labels'): Figure {
  const data: Trace[] = SPLITS.map(([split, name]) => {
    const rows = sortBy(where(metrics, { split }), 'epoch');
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name,
      x: col(rows, 'epoch'),
      y: col(rows, 'accuracy'),
      line: { color: COLORS[split], dash: split === 'train_restored' ? 'dot' : 'solid' },
      marker: { size: 4 },
    };
  });
  const peak = testPeak(metrics);
  return {
    data,
    layout: baseLayout(title, {
      xaxis: axis('epoch'),
      yaxis: axis('accuracy', { range: [0, 1.02] }),
      shapes: [{ type: 'line', x0: peak.epoch, x1: peak.epoch, y0: 0, y1: 1, yref: 'paper', line: { dash: 'dash', color: '#888' } }],
      annotations: [
        {
          x: peak.epoch,
          y: 1,
          yref: 'paper',
          text: `test peak: epoch ${peak.epoch} (${(peak.accuracy * 100).toFixed(1)}%)`,
          showarrow: false,
          xanchor: 'left',
          yanchor: 'bottom',
        },
      ],
    }),
  };
}
