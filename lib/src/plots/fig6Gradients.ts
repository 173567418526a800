import type { Row } from '../tables/csv';
import { axis, baseLayout, COLORS, sequentialColor, type Figure, type Trace } from './figure';
import { panels } from './subplots';
import { col, sortBy, unique, where } from './tidy';

/**
 * Per-layer ratio of the permuted group's gradient contribution to the unpermuted group's, against
 * epoch (paper Fig. 6): small near initialization, growing once the unpermuted examples are fitted.
 */
export function gradientContributionRatio(gradients: Row[], opts: { title?: string } = {}): Figure {
  const layers = sortBy(gradients, 'layer_index').map((r) => String(r.layer)).filter((l, i, a) => a.indexOf(l) === i);
  const epochs = unique<number>(gradients, 'epoch');
  const data: Trace[] = layers.map((layer, i) => {
    const y = epochs.map((epoch) => {
      const p = gradients.find((r) => r.layer === layer && r.epoch === epoch && r.group === 'permuted');
      const u = gradients.find((r) => r.layer === layer && r.epoch === epoch && r.group === 'unpermuted');
      return p && u ? Number(p.contribution_norm) / Number(u.contribution_norm) : null;
    });
    return { type: 'scatter', mode: 'lines+markers', name: layer, x: epochs, y, line: { color: sequentialColor(i, layers.length) } };
  });
  return { data, layout: baseLayout(opts.title ?? 'Gradient contribution, permuted / unpermuted, by layer', { xaxis: axis('epoch'), yaxis: axis('‖contribution permuted‖ / ‖contribution unpermuted‖', { type: 'log' }) }) };
}

/**
 * Norm of the summed gradient of n examples against n (log–log), one panel per group, one line per
 * layer, with reference slopes 1 (coherent) and 1/2 (incoherent) through the first point.
 */
export function gradientScaling(scaling: Row[], epoch: number, opts: { title?: string } = {}): Figure {
  const rows = where(scaling, { epoch });
  const groups = ['unpermuted', 'permuted'];
  const layers = sortBy(rows, 'layer_index').map((r) => String(r.layer)).filter((l, i, a) => a.indexOf(l) === i);
  const { layout, axisIds } = panels(groups, 'n (examples summed)', '‖Σ gradients‖', { sharedY: true, xExtra: { type: 'log' }, yExtra: { type: 'log' } });
  const data: Trace[] = [];
  groups.forEach((group, k) => {
    layers.forEach((layer, i) => {
      const g = where(rows, { group, layer });
      const ns = unique<number>(g, 'n');
      const mean = ns.map((n) => {
        const v = col(where(g, { n }), 'norm');
        return v.reduce((a, b) => a + b, 0) / v.length;
      });
      data.push({ type: 'scatter', mode: 'lines+markers', name: layer, legendgroup: layer, showlegend: k === 0, x: ns, y: mean, xaxis: axisIds[k].x, yaxis: axisIds[k].y, line: { color: sequentialColor(i, layers.length) } });
    });
    const ns = unique<number>(where(rows, { group }), 'n');
    if (ns.length > 1) {
      const first = where(rows, { group, n: ns[0] });
      const y0 = Math.min(...col(first, 'norm'));
      for (const [slope, dash] of [[1, 'dash'], [0.5, 'dot']] as const) {
        data.push({ type: 'scatter', mode: 'lines', name: `slope ${slope}`, legendgroup: `s${slope}`, showlegend: k === 0, x: [ns[0], ns[ns.length - 1]], y: [y0, y0 * Math.pow(ns[ns.length - 1] / ns[0], slope)], xaxis: axisIds[k].x, yaxis: axisIds[k].y, line: { color: COLORS.test, dash } });
      }
    }
  });
  return { data, layout: { ...baseLayout(opts.title ?? `Scaling of summed gradients with n (epoch ${epoch})`, { width: 1000, height: 450 }), ...layout } };
}
