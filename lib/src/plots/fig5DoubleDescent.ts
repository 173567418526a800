import type { Row } from '../tables/csv';
import { axis, baseLayout, COLORS, type Figure, type Trace } from './figure';
import { col, sortBy, unique, where } from './tidy';

/** One row per width (double_descent.csv repeats the error columns for every (layer, manifold)). */
function perWidth(rows: Row[]): Row[] {
  const seen = new Map<number, Row>();
  for (const r of sortBy(rows, 'width')) if (!seen.has(Number(r.width))) seen.set(Number(r.width), r);
  return [...seen.values()];
}

/** Paper Fig. 5 (top): train and test error against width (log axis), the interpolation threshold marked. */
export function doubleDescentErrors(dd: Row[], opts: { interpolationThreshold?: number | null; title?: string } = {}): Figure {
  const rows = perWidth(dd);
  const w = col(rows, 'width');
  const data: Trace[] = [
    { type: 'scatter', mode: 'lines+markers', name: 'test error', x: w, y: col(rows, 'test_error'), line: { color: COLORS.test } },
    { type: 'scatter', mode: 'lines+markers', name: 'train error (all)', x: w, y: col(rows, 'train_error'), line: { color: '#7f7f7f' } },
    { type: 'scatter', mode: 'lines+markers', name: 'train error (permuted, trained labels)', x: w, y: col(rows, 'train_permuted_error'), line: { color: COLORS.permuted, dash: 'dot' } },
    { type: 'scatter', mode: 'lines+markers', name: 'train error (unpermuted)', x: w, y: col(rows, 'train_unpermuted_error'), line: { color: COLORS.unpermuted, dash: 'dot' } },
  ];
  const t = opts.interpolationThreshold;
  return {
    data,
    layout: baseLayout(opts.title ?? 'Model-wise double descent', {
      xaxis: axis('width', { type: 'log' }),
      yaxis: axis('error', { range: [0, 1] }),
      shapes: t ? [{ type: 'line', x0: t, x1: t, y0: 0, y1: 1, yref: 'paper', line: { dash: 'dash', color: '#888' } }] : [],
      annotations: t ? [{ x: Math.log10(t), y: 1, yref: 'paper', text: `interpolation threshold (width ${t})`, showarrow: false, xanchor: 'left', yanchor: 'bottom' }] : [],
    }),
  };
}

/** Paper Fig. 5 (bottom): a geometry measure of the three manifold types against width, for one layer. */
export function doubleDescentGeometry(dd: Row[], metric: 'capacity' | 'radius' | 'dimension' | 'center_correlation', opts: { layer?: string; title?: string } = {}): Figure {
  const layer = opts.layer ?? unique<string>(dd, 'layer').slice(-1)[0];
  const data: Trace[] = ['unpermuted', 'restored', 'permuted'].map((kind) => {
    const rows = sortBy(where(dd, { layer, manifold: kind }), 'width');
    return { type: 'scatter', mode: 'lines+markers', name: kind, x: col(rows, 'width'), y: col(rows, metric), line: { color: COLORS[kind] } };
  });
  return { data, layout: baseLayout(opts.title ?? `${metric} against width (${layer})`, { xaxis: axis('width', { type: 'log' }), yaxis: axis(metric) }) };
}
