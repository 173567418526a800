import type { Row } from '../tables/csv';
import { axis, baseLayout, COLORS, sequentialColor, type Figure, type Trace } from './figure';
import { panels } from './subplots';
import { col, sortBy, unique, where } from './tidy';

const KINDS = ['unpermuted', 'restored', 'permuted'];
const PROBE_LABEL: Record<string, string> = {
  knn: 'kNN probe accuracy (held-out)',
  knn_loo: 'kNN probe accuracy (leave-one-out)',
  linear: 'linear probe accuracy (held-out)',
};

function layerOrder(rows: Row[]): string[] {
  const byIndex = new Map<string, number>();
  for (const r of rows) byIndex.set(String(r.layer), Number(r.layer_index));
  return [...byIndex.entries()].sort((a, b) => a[1] - b[1]).map(([l]) => l);
}

/**
 * Probe accuracy against layer (input → logits), one panel per manifold type (labels: true for
 * unpermuted and restored, trained-on for permuted) and one line per epoch, with chance 1/P dashed.
 */
export function probeAccuracyByLayer(
  probes: Row[],
  opts: { probe?: 'knn' | 'knn_loo' | 'linear'; epochs?: number[]; P?: number; title?: string } = {},
): Figure {
  const probe = opts.probe ?? 'knn';
  const rows = where(probes, { probe });
  const epochs = opts.epochs ?? unique<number>(rows, 'epoch');
  const layers = layerOrder(rows);
  const { layout, axisIds } = panels(
    KINDS.map((k) =>
      k === 'permuted' ? 'permuted (labels trained on)' : k === 'restored' ? 'restored (true labels of permuted)' : 'unpermuted',
    ),
    'layer',
    PROBE_LABEL[probe],
    {
      sharedY: true,
      xExtra: { type: 'category', categoryorder: 'array', categoryarray: layers, tickangle: -45 },
      yExtra: { range: [0, 1.02] },
    },
  );
  const data: Trace[] = [];
  KINDS.forEach((kind, k) => {
    epochs.forEach((epoch, i) => {
      const r = sortBy(where(rows, { manifold: kind, epoch }), 'layer_index');
      if (r.length === 0) return;
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `epoch ${epoch}`,
        legendgroup: `e${epoch}`,
        showlegend: k === 0,
        x: r.map((x) => String(x.layer)),
        y: col(r, 'accuracy'),
        xaxis: axisIds[k].x,
        yaxis: axisIds[k].y,
        line: { color: sequentialColor(i, epochs.length) },
        marker: { size: 5 },
      });
    });
    if (opts.P)
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: `chance 1/P = ${(1 / opts.P).toFixed(2)}`,
        legendgroup: 'ref',
        showlegend: k === 0,
        x: [layers[0], layers[layers.length - 1]],
        y: [1 / opts.P, 1 / opts.P],
        xaxis: axisIds[k].x,
        yaxis: axisIds[k].y,
        line: { color: '#999', dash: 'dash' },
      });
  });
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? `${PROBE_LABEL[probe]} across layers`, {
        width: 1100,
        height: 460,
        margin: { l: 60, r: 20, t: 60, b: 130 },
        legend: { orientation: 'h', y: -0.42 },
      }),
      ...layout,
    },
  };
}

/**
 * Distribution of prediction depth (Baldock et al. 2021) of unpermuted and permuted examples, one
 * panel per epoch: the share of each group at each depth. `layers` (name by layer index) labels the
 * depths; the last bin, one past the last probed layer, counts examples whose last layer disagrees.
 */
export function predictionDepthDistribution(
  depthRows: Row[],
  opts: { epochs?: number[]; layers?: Record<number, string>; title?: string } = {},
): Figure {
  const epochs = opts.epochs ?? unique<number>(depthRows, 'epoch');
  const present = col(depthRows, 'depth');
  // Every probed layer (and "never") gets a bin when the layer names are known, so empty depths show as empty.
  const known = opts.layers ? Object.keys(opts.layers).map(Number) : [];
  const depths = [...new Set([...present, ...known, ...(known.length ? [Math.max(...known) + 1] : [])])].sort((a, b) => a - b);
  const name = (d: number) =>
    opts.layers?.[d] ?? (opts.layers && d === Math.max(...Object.keys(opts.layers).map(Number)) + 1 ? 'never' : String(d));
  const { layout, axisIds } = panels(
    epochs.map((e) => `epoch ${e}`),
    'prediction depth',
    'share of the group',
    { sharedY: true, xExtra: { type: 'category', categoryorder: 'array', categoryarray: depths.map(name), tickangle: -45 } },
  );
  const data: Trace[] = [];
  epochs.forEach((epoch, k) => {
    for (const group of ['unpermuted', 'permuted']) {
      const v = col(where(depthRows, { epoch, group }), 'depth');
      if (v.length === 0) continue;
      data.push({
        type: 'bar',
        name: group,
        legendgroup: group,
        showlegend: k === 0,
        x: depths.map(name),
        y: depths.map((d) => v.filter((x) => x === d).length / v.length),
        xaxis: axisIds[k].x,
        yaxis: axisIds[k].y,
        marker: { color: COLORS[group] },
      });
    }
  });
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? 'Prediction depth of unpermuted and permuted examples', {
        width: Math.max(700, 260 * epochs.length),
        height: 420,
        barmode: 'group',
        margin: { l: 60, r: 20, t: 60, b: 110 },
      }),
      ...layout,
    },
  };
}

/**
 * The two readings of one layer side by side: manifold capacity (geometry.csv) against kNN probe
 * accuracy (probes.csv) at one epoch, one point per (layer, manifold type), labelled by layer.
 */
export function capacityAgainstProbe(
  geometry: Row[],
  probes: Row[],
  epoch: number,
  opts: { probe?: 'knn' | 'knn_loo' | 'linear'; title?: string } = {},
): Figure {
  const probe = opts.probe ?? 'knn';
  const data: Trace[] = KINDS.map((kind) => {
    const pts = sortBy(where(geometry, { epoch, manifold: kind }), 'layer_index').flatMap((g) => {
      const p = probes.find((r) => r.epoch === epoch && r.manifold === kind && r.layer === g.layer && r.probe === probe);
      return p ? [{ x: Number(g.capacity), y: Number(p.accuracy), text: String(g.layer) }] : [];
    });
    return {
      type: 'scatter',
      mode: 'markers+text',
      name: kind,
      x: pts.map((p) => p.x),
      y: pts.map((p) => p.y),
      text: pts.map((p) => p.text),
      textposition: 'top center',
      textfont: { size: 9 },
      marker: { color: COLORS[kind], size: 8 },
    };
  });
  return {
    data,
    layout: baseLayout(opts.title ?? `Manifold capacity and ${PROBE_LABEL[probe]} at epoch ${epoch}`, {
      xaxis: axis('manifold capacity α_M', { type: 'log' }),
      yaxis: axis(PROBE_LABEL[probe], { range: [0, 1.05] }),
      width: 700,
      height: 480,
    }),
  };
}
