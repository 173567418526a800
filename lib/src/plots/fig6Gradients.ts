import { fitLogLogSlope } from '../gradients/fitLogLogSlope';
import { GRADIENT_PARTS, partOf, type GradientPart } from '../gradients/parts';
import type { Row } from '../tables/csv';
import { axis, baseLayout, COLORS, sequentialColor, type Figure, type Trace } from './figure';
import { panels } from './subplots';
import { col, sortBy, unique, where } from './tidy';

function layerOrder(rows: Row[]): string[] {
  return sortBy(rows, 'layer_index')
    .map((r) => String(r.layer))
    .filter((l, i, a) => a.indexOf(l) === i);
}

/** How the parts are named in titles and panels. */
const PART_TITLES: Record<GradientPart, string> = {
  total: 'total gradient',
  label_independent: 'label-independent part J(p − ū)',
  label_dependent: 'label-dependent part J(ū − y)',
};

/** The rows of one part (`total` also takes tables written before the split, which have no `part` column). */
function ofPart(rows: Row[], part: GradientPart): Row[] {
  return rows.filter((r) => partOf(r) === part);
}

/** Contribution norm of a group at (epoch, layer); layer `all` combines every layer (‖c‖² = Σ‖c_layer‖²). */
function contribution(gradients: Row[], epoch: number, layer: string, group: string): number | null {
  const rows = gradients.filter((r) => r.epoch === epoch && r.group === group && (layer === 'all' || r.layer === layer));
  if (rows.length === 0) return null;
  return Math.sqrt(rows.reduce((a, r) => a + Number(r.contribution_norm) ** 2, 0));
}

/**
 * Per-layer ratio of the permuted group's gradient contribution to the unpermuted group's, against
 * epoch (paper Fig. 6): small near initialization, growing once the unpermuted examples are fitted.
 * A dashed black line is the whole network (`all`); the grey line marks ratio 1 (the permuted examples
 * dominate above it). With `metrics` (metrics.csv rows) the training curves are drawn above it on the
 * same epoch axis. Traces: one per layer first, then `all`, then the accuracy curves. `part` picks
 * the total gradient (default) or one of its parts (`GradientPart`): the label-dependent part is the
 * one the paper's argument is about.
 */
export function gradientContributionRatio(
  allGradients: Row[],
  opts: { title?: string; metrics?: Row[]; part?: GradientPart } = {},
): Figure {
  const part = opts.part ?? 'total';
  const gradients = ofPart(allGradients, part);
  const layers = layerOrder(gradients);
  const epochs = unique<number>(gradients, 'epoch');
  const withCurves = !!opts.metrics && opts.metrics.length > 0;
  const yRatio = withCurves ? 'y2' : 'y';
  const ratioTrace = (layer: string, color: string, dash: string, name = layer): Trace => ({
    type: 'scatter',
    mode: 'lines+markers',
    name,
    x: epochs,
    y: epochs.map((epoch) => {
      const p = contribution(gradients, epoch, layer, 'permuted');
      const u = contribution(gradients, epoch, layer, 'unpermuted');
      return p !== null && u !== null && u > 0 ? p / u : null;
    }),
    yaxis: yRatio,
    line: { color, dash, width: layer === 'all' ? 3 : 2 },
    marker: { size: 4 },
  });
  const data: Trace[] = layers.map((layer, i) => ratioTrace(layer, sequentialColor(i, layers.length), 'solid'));
  if (layers.length > 1) data.push(ratioTrace('all', '#000000', 'dash', 'all layers'));
  const ratioLine = { type: 'line', x0: 0, x1: 1, xref: 'paper', y0: 1, y1: 1, yref: yRatio, line: { color: '#888', dash: 'dot' } };
  const title = opts.title ?? `Gradient contribution, permuted / unpermuted, by layer${part === 'total' ? '' : ` (${PART_TITLES[part]})`}`;
  const ratioAxis = axis(withCurves ? 'ratio ‖c_perm‖ / ‖c_unperm‖' : '‖contribution permuted‖ / ‖contribution unpermuted‖', {
    type: 'log',
  });
  if (!withCurves) return { data, layout: baseLayout(title, { xaxis: axis('epoch'), yaxis: ratioAxis, shapes: [ratioLine] }) };
  for (const [split, name] of [
    ['train_unpermuted', 'train acc., unpermuted'],
    ['train_permuted', 'train acc., permuted (trained labels)'],
    ['test', 'test acc.'],
  ] as const) {
    const rows = sortBy(where(opts.metrics!, { split }), 'epoch');
    data.push({
      type: 'scatter',
      mode: 'lines',
      name,
      x: col(rows, 'epoch'),
      y: col(rows, 'accuracy'),
      yaxis: 'y',
      line: { color: COLORS[split], width: 1.5 },
    });
  }
  return {
    data,
    layout: baseLayout(title, {
      height: 640,
      xaxis: axis('epoch', { anchor: 'y2' }),
      yaxis: axis('accuracy', { domain: [0.62, 1], range: [0, 1.02] }),
      yaxis2: { ...ratioAxis, domain: [0, 0.55], anchor: 'x' },
      shapes: [ratioLine],
    }),
  };
}

/**
 * Cosine between the unpermuted and the permuted group's gradients, cos(g_u, g_p), per layer against
 * epoch (column `cosine` of gradients.csv): −1 means the permuted examples pull straight against the
 * unpermuted ones. `part` as in `gradientContributionRatio`.
 */
export function gradientCosine(allGradients: Row[], opts: { title?: string; part?: GradientPart } = {}): Figure {
  const part = opts.part ?? 'total';
  const gradients = ofPart(allGradients, part);
  const layers = layerOrder(gradients);
  const data: Trace[] = layers.map((layer, i) => {
    const rows = sortBy(where(gradients, { layer, group: 'permuted' }), 'epoch');
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: layer,
      x: col(rows, 'epoch'),
      y: col(rows, 'cosine'),
      line: { color: sequentialColor(i, layers.length) },
      marker: { size: 4 },
    };
  });
  return {
    data,
    layout: baseLayout(
      opts.title ?? `Cosine between the unpermuted and permuted groups’ gradients${part === 'total' ? '' : ` (${PART_TITLES[part]})`}`,
      { xaxis: axis('epoch'), yaxis: axis('cos(g_unpermuted, g_permuted)', { range: [-1.05, 1.05], zeroline: true }) },
    ),
  };
}

/**
 * Norm of the summed gradient of n examples against n (log–log), one panel per group and part
 * (`parts`, default: those of `total` and `label_dependent` present in the rows; tables without a
 * `part` column are `total`), one line per layer (mean over draws; every draw as a faint point), with
 * reference slopes 1 (coherent) and 1/2 (incoherent) through the first point, and the fitted slope
 * per layer written in each panel.
 */
export function gradientScaling(scaling: Row[], epoch: number, opts: { title?: string; parts?: GradientPart[] } = {}): Figure {
  const rows = where(scaling, { epoch });
  const present = new Set(rows.map(partOf));
  const parts = opts.parts ?? GRADIENT_PARTS.filter((p) => p !== 'label_independent' && present.has(p));
  const groups = ['unpermuted', 'permuted'];
  const cells = parts.flatMap((part) => groups.map((group) => ({ part, group })));
  const layers = layerOrder(rows);
  const titles = cells.map((c) => (parts.length > 1 || c.part !== 'total' ? `${c.group} · ${PART_TITLES[c.part]}` : c.group));
  // One row per part: unpermuted and permuted side by side, the parts one above the other.
  const { layout, axisIds } = panels(titles, 'n (examples summed)', '‖Σ gradients‖', {
    sharedY: true,
    xExtra: { type: 'log' },
    yExtra: { type: 'log' },
    columns: groups.length,
  });
  const data: Trace[] = [];
  const annotations = [...((layout.annotations as unknown[]) ?? [])];
  cells.forEach(({ part, group }, k) => {
    const inPanel = where(ofPart(rows, part), { group });
    const fitted: string[] = [];
    layers.forEach((layer, i) => {
      const g = where(inPanel, { layer });
      const ns = unique<number>(g, 'n');
      const mean = ns.map((n) => {
        const v = col(where(g, { n }), 'norm');
        return v.reduce((a, b) => a + b, 0) / v.length;
      });
      const color = sequentialColor(i, layers.length);
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: layer,
        legendgroup: layer,
        showlegend: k === 0,
        x: ns,
        y: mean,
        xaxis: axisIds[k].x,
        yaxis: axisIds[k].y,
        line: { color },
      });
      if (ns.length > 1) {
        data.push({
          type: 'scatter',
          mode: 'markers',
          name: `${layer} draws`,
          legendgroup: layer,
          showlegend: false,
          x: col(g, 'n'),
          y: col(g, 'norm'),
          xaxis: axisIds[k].x,
          yaxis: axisIds[k].y,
          marker: { color, size: 3, opacity: 0.35 },
          hoverinfo: 'x+y',
        });
        fitted.push(`${layer}: ${fitLogLogSlope(col(g, 'n'), col(g, 'norm')).slope.toFixed(2)}`);
      }
    });
    const ns = unique<number>(inPanel, 'n');
    if (ns.length > 1) {
      const first = where(inPanel, { n: ns[0] });
      const y0 = Math.min(...col(first, 'norm'));
      for (const [slope, dash] of [
        [1, 'dash'],
        [0.5, 'dot'],
      ] as const) {
        data.push({
          type: 'scatter',
          mode: 'lines',
          name: `slope ${slope}`,
          legendgroup: `s${slope}`,
          showlegend: k === 0,
          x: [ns[0], ns[ns.length - 1]],
          y: [y0, y0 * Math.pow(ns[ns.length - 1] / ns[0], slope)],
          xaxis: axisIds[k].x,
          yaxis: axisIds[k].y,
          line: { color: COLORS.test, dash },
        });
      }
      annotations.push({
        text: `fitted slopes<br>${fitted.join('<br>')}`,
        xref: `${axisIds[k].x} domain`,
        yref: `${axisIds[k].y} domain`,
        x: 0.02,
        y: 0.98,
        xanchor: 'left',
        yanchor: 'top',
        showarrow: false,
        align: 'left',
        font: { size: 10 },
        bgcolor: 'rgba(255,255,255,0.7)',
      });
    }
  });
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? `Scaling of summed gradients with n (epoch ${epoch})`, { width: 1000, height: 450 * parts.length }),
      ...layout,
      annotations,
    },
  };
}
