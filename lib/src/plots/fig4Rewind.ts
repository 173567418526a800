import type { Row } from '../tables/csv';
import { axis, baseLayout, type Figure, type Trace } from './figure';
import { col, sortBy, unique, where } from './tidy';

/** Accuracy columns of rewinding.csv. */
export type RewindMeasure = 'test_accuracy' | 'train_unpermuted_accuracy' | 'train_permuted_accuracy' | 'train_restored_accuracy';
const MEASURE_LABEL: Record<RewindMeasure, string> = {
  test_accuracy: 'test accuracy',
  train_unpermuted_accuracy: 'unpermuted training accuracy',
  train_permuted_accuracy: 'permuted-example accuracy (trained labels)',
  train_restored_accuracy: 'restored accuracy (true labels of permuted examples)',
};

/**
 * Paper Fig. 4: accuracy after rewinding one layer (rows) of the final model to an earlier epoch
 * (columns). `peakEpoch` labels the test-accuracy peak's column; `reference` (e.g. the final model's
 * accuracy on this measure) becomes the colour scale's midpoint, so red means above it and blue below.
 */
export function rewindHeatmap(
  rewinding: Row[],
  measure: RewindMeasure,
  opts: { title?: string; peakEpoch?: number; reference?: number } = {},
): Figure {
  const rows = where(rewinding, { mode: 'single' });
  const layers = sortBy(rows, 'layer_index')
    .map((r) => String(r.layer))
    .filter((l, i, a) => a.indexOf(l) === i);
  const epochs = unique<number>(rows, 'epoch');
  const z = layers.map((layer) =>
    epochs.map((epoch) => {
      const r = rows.find((x) => x.layer === layer && x.epoch === epoch);
      return r ? Number(r[measure]) : null;
    }),
  );
  const label = (e: number) => (e === opts.peakEpoch ? `${e} (test peak)` : String(e));
  // Diverging at the reference: zmid has no effect once zmin/zmax fix the range, so move the white stop.
  const ref = opts.reference !== undefined && Number.isFinite(opts.reference) ? Math.min(0.95, Math.max(0.05, opts.reference)) : null;
  const colorscale =
    ref === null
      ? 'RdBu'
      : [
          [0, 'rgb(5,48,97)'],
          [ref / 2, 'rgb(67,147,195)'],
          [ref, 'rgb(247,247,247)'],
          [ref + (1 - ref) / 2, 'rgb(214,96,77)'],
          [1, 'rgb(103,0,31)'],
        ];
  return {
    data: [
      {
        type: 'heatmap',
        x: epochs.map(label),
        y: layers,
        z,
        zmin: 0,
        zmax: 1,
        colorscale,
        colorbar: { title: { text: 'accuracy' } },
        texttemplate: '%{z:.2f}',
        hovertemplate: 'layer %{y} rewound to epoch %{x}: %{z:.3f}<extra></extra>',
      },
    ],
    layout: baseLayout(opts.title ?? `Rewinding one layer of the final model: ${MEASURE_LABEL[measure]}`, {
      xaxis: axis('epoch rewound to', { type: 'category' }),
      yaxis: axis('layer rewound', { type: 'category', automargin: true }),
      height: 480,
    }),
  };
}

/**
 * Test accuracy (and permuted-example accuracy) after rewinding the last L layers or the first L
 * layers together to `epoch`, against L, with the final and peak test accuracy as reference lines.
 */
export function rewindCurves(
  rewinding: Row[],
  epoch: number,
  ref: { finalTestAccuracy: number; peakTestAccuracy: number },
  opts: { title?: string } = {},
): Figure {
  const data: Trace[] = [];
  const style: Record<string, { color: string; name: string }> = {
    last: { color: '#d62728', name: 'last L layers' },
    first: { color: '#1f77b4', name: 'first L layers' },
  };
  for (const mode of ['last', 'first']) {
    const rows = sortBy(where(rewinding, { mode, epoch }), 'L');
    if (rows.length === 0) continue;
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${style[mode].name}: test`,
      x: col(rows, 'L'),
      y: col(rows, 'test_accuracy'),
      line: { color: style[mode].color },
    });
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: `${style[mode].name}: permuted (trained labels)`,
      x: col(rows, 'L'),
      y: col(rows, 'train_permuted_accuracy'),
      line: { color: style[mode].color, dash: 'dot' },
    });
  }
  const maxL = Math.max(1, ...col(where(rewinding, { epoch }), 'L').filter(Number.isFinite));
  for (const [name, y, dash] of [
    ['final model (test)', ref.finalTestAccuracy, 'dash'],
    ['test peak', ref.peakTestAccuracy, 'dashdot'],
  ] as const) {
    data.push({ type: 'scatter', mode: 'lines', name, x: [1, maxL], y: [y, y], line: { color: '#555', dash } });
  }
  return {
    data,
    layout: baseLayout(opts.title ?? `Rewinding L layers to epoch ${epoch}`, {
      xaxis: axis('L (number of layers rewound)', { dtick: 1 }),
      yaxis: axis('accuracy', { range: [0, 1.02] }),
    }),
  };
}
