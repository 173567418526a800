import type { Row } from '../tables/csv';
import { axis, baseLayout, COLORS, sequentialColor, type Figure, type Trace } from './figure';
import { panels } from './subplots';
import { col, sortBy, unique, where } from './tidy';

/** A geometry measure of geometry.csv. */
export type GeometryMetric = 'capacity' | 'radius' | 'dimension' | 'center_correlation' | 'participation_ratio';
const KINDS = ['unpermuted', 'restored', 'permuted'];
const LABEL: Record<GeometryMetric, string> = {
  capacity: 'manifold capacity α_M',
  radius: 'manifold radius R_M',
  dimension: 'manifold dimension D_M',
  center_correlation: 'center correlation ρ_c',
  participation_ratio: 'participation ratio (all data)',
};

/**
 * Layers with fewer features than M (the logits of a 10-class net): their capacity is inflated
 * (docs/small-scale.md), so figures shade them and say so.
 */
function narrowLayers(rows: Row[], layers: string[]): string[] {
  return layers.filter((l) => rows.some((r) => r.layer === l && 'n_features' in r && Number(r.n_features) < Number(r.M)));
}

/** Grey bands behind category-axis layers (by position), with a note above the first band. */
function shadeLayers(
  layers: string[],
  shaded: string[],
  axisIds: { x: string; y: string }[],
): { shapes: unknown[]; annotations: unknown[] } {
  const shapes: unknown[] = [];
  const annotations: unknown[] = [];
  for (const ids of axisIds) {
    for (const l of shaded) {
      const i = layers.indexOf(l);
      shapes.push({
        type: 'rect',
        xref: ids.x,
        yref: `${ids.y} domain`,
        x0: i - 0.5,
        x1: i + 0.5,
        y0: 0,
        y1: 1,
        fillcolor: '#bbb',
        opacity: 0.25,
        line: { width: 0 },
        layer: 'below',
      });
    }
    if (shaded.length)
      annotations.push({
        xref: ids.x,
        yref: `${ids.y} domain`,
        x: layers.indexOf(shaded[0]),
        y: 0.98,
        text: 'N < M',
        showarrow: false,
        font: { size: 10, color: '#666' },
        yanchor: 'top',
      });
  }
  return { shapes, annotations };
}

function layerOrder(rows: Row[]): string[] {
  const byIndex = new Map<string, number>();
  for (const r of rows) byIndex.set(String(r.layer), Number(r.layer_index));
  return [...byIndex.entries()].sort((a, b) => a[1] - b[1]).map(([l]) => l);
}

/**
 * A geometry measure against layer (input → logits), one panel per manifold type and one line per
 * epoch (paper Figs. 2–3). Error bars show the seed-to-seed std when the table has `<metric>_std`.
 * For capacity the unstructured level 2/M is drawn as a dashed line. Layers with fewer features than
 * M (when the table has `n_features`) are shaded: their capacity is inflated.
 */
export function geometryByLayer(geometry: Row[], metric: GeometryMetric, opts: { epochs?: number[]; title?: string } = {}): Figure {
  const epochs = opts.epochs ?? unique<number>(geometry, 'epoch');
  const layers = layerOrder(geometry);
  const { layout, axisIds } = panels(KINDS, 'layer', LABEL[metric], {
    sharedY: true,
    xExtra: { type: 'category', categoryorder: 'array', categoryarray: layers, tickangle: -45 },
  });
  const data: Trace[] = [];
  KINDS.forEach((kind, k) => {
    epochs.forEach((epoch, i) => {
      const rows = sortBy(where(geometry, { manifold: kind, epoch }), 'layer_index');
      if (rows.length === 0) return;
      const std = rows.every((r) => `${metric}_std` in r) ? col(rows, `${metric}_std`) : null;
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `epoch ${epoch}`,
        legendgroup: `e${epoch}`,
        showlegend: k === 0,
        x: rows.map((r) => String(r.layer)),
        y: col(rows, metric),
        xaxis: axisIds[k].x,
        yaxis: axisIds[k].y,
        line: { color: sequentialColor(i, epochs.length) },
        marker: { size: 5 },
        ...(std ? { error_y: { type: 'data', array: std, visible: true, thickness: 1 } } : {}),
      });
    });
    if (metric === 'capacity') {
      const M = Number(geometry[0]?.M);
      if (M > 0)
        data.push({
          type: 'scatter',
          mode: 'lines',
          name: '2/M (unstructured)',
          legendgroup: 'ref',
          showlegend: k === 0,
          x: [layers[0], layers[layers.length - 1]],
          y: [2 / M, 2 / M],
          xaxis: axisIds[k].x,
          yaxis: axisIds[k].y,
          line: { color: '#999', dash: 'dash' },
        });
    }
  });
  const shade = shadeLayers(layers, narrowLayers(geometry, layers), axisIds);
  return {
    data,
    layout: {
      ...baseLayout(opts.title ?? `${LABEL[metric]} across layers`, {
        width: 1100,
        height: 460,
        margin: { l: 60, r: 20, t: 60, b: 130 },
        legend: { orientation: 'h', y: -0.42 },
      }),
      ...layout,
      shapes: shade.shapes,
      annotations: [...(layout.annotations as unknown[]), ...shade.annotations],
    },
  };
}

/** Layer × epoch heatmap of one geometry measure for one manifold type. */
export function geometryHeatmap(geometry: Row[], metric: GeometryMetric, manifold: string, opts: { title?: string } = {}): Figure {
  const rows = where(geometry, { manifold });
  const layers = layerOrder(rows);
  const epochs = unique<number>(rows, 'epoch');
  const z = layers.map((layer) =>
    epochs.map((epoch) => {
      const r = rows.find((x) => x.layer === layer && x.epoch === epoch);
      return r ? Number(r[metric]) : null;
    }),
  );
  return {
    data: [{ type: 'heatmap', x: epochs.map(String), y: layers, z, colorscale: 'Viridis', colorbar: { title: { text: metric } } }],
    layout: baseLayout(opts.title ?? `${LABEL[metric]}, ${manifold} manifolds: layer × epoch`, {
      xaxis: axis('epoch', { type: 'category' }),
      yaxis: axis('layer', { type: 'category', automargin: true }),
      height: 460,
    }),
  };
}

/**
 * Relative change of a geometry measure from one epoch to another (e.g. the test-accuracy peak to the
 * last epoch) against layer, one line per manifold type: where in depth the geometry moved. Error
 * bars propagate the seed-to-seed std of both values when the table has `<metric>_std`.
 */
export function geometryChange(
  geometry: Row[],
  metric: GeometryMetric,
  fromEpoch: number,
  toEpoch: number,
  opts: { title?: string } = {},
): Figure {
  const layers = layerOrder(geometry);
  const data: Trace[] = KINDS.map((kind) => {
    const pairs = layers.map((layer) => {
      const a = geometry.find((r) => r.manifold === kind && r.layer === layer && r.epoch === fromEpoch);
      const b = geometry.find((r) => r.manifold === kind && r.layer === layer && r.epoch === toEpoch);
      if (!a || !b) return { y: null, err: null };
      const va = Number(a[metric]);
      const vb = Number(b[metric]);
      const sa = Number(a[`${metric}_std`]);
      const sb = Number(b[`${metric}_std`]);
      const ratio = vb / va;
      const err = Number.isFinite(sa) && Number.isFinite(sb) ? Math.abs(ratio) * Math.sqrt((sa / va) ** 2 + (sb / vb) ** 2) : null;
      return { y: ratio - 1, err };
    });
    const withErr = pairs.some((p) => p.err !== null);
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: kind,
      x: layers,
      y: pairs.map((p) => p.y),
      line: { color: COLORS[kind] },
      ...(withErr ? { error_y: { type: 'data', array: pairs.map((p) => p.err ?? 0), visible: true, thickness: 1 } } : {}),
    };
  });
  const shade = shadeLayers(layers, narrowLayers(geometry, layers), [{ x: 'x', y: 'y' }]);
  return {
    data,
    layout: baseLayout(opts.title ?? `Change in ${LABEL[metric]} from epoch ${fromEpoch} to epoch ${toEpoch}`, {
      xaxis: axis('layer', { type: 'category', categoryorder: 'array', categoryarray: layers, tickangle: -45 }),
      yaxis: axis(`relative change (epoch ${toEpoch} / epoch ${fromEpoch} − 1)`, {
        tickformat: '.0%',
        zeroline: true,
        zerolinecolor: '#888',
      }),
      margin: { l: 70, r: 20, t: 50, b: 110 },
      shapes: shade.shapes,
      annotations: shade.annotations,
    }),
  };
}

/** Paper Fig. 1B: simulated capacity against MFT capacity (± seed std), with the identity line. Points without a finite simulated capacity are not drawn. */
export function fig1bSimulatedCapacity(simcap: Row[], opts: { title?: string } = {}): Figure {
  const all = [...col(simcap, 'capacity'), ...col(simcap, 'simulated_capacity')].filter(Number.isFinite);
  const hi = all.length ? Math.max(...all) * 1.1 : 1;
  const data: Trace[] = unique<string>(simcap, 'manifold').map((kind) => {
    const rows = where(simcap, { manifold: kind });
    return {
      type: 'scatter',
      mode: 'markers',
      name: kind,
      x: col(rows, 'capacity'),
      y: col(rows, 'simulated_capacity'),
      text: rows.map((r) => `epoch ${r.epoch}, ${r.layer}`),
      marker: { color: COLORS[kind] ?? '#555', size: 8 },
      ...(rows.every((r) => Number.isFinite(Number(r.capacity_std)))
        ? { error_x: { type: 'data', array: col(rows, 'capacity_std'), visible: true, thickness: 1 } }
        : {}),
    };
  });
  data.push({ type: 'scatter', mode: 'lines', name: 'identity', x: [0, hi], y: [0, hi], line: { color: '#999', dash: 'dash' } });
  return {
    data,
    layout: baseLayout(opts.title ?? 'Simulated capacity against mean-field capacity (Fig. 1B)', {
      xaxis: axis('MFT capacity α_M', { range: [0, hi] }),
      yaxis: axis('simulated capacity P/N_c', { range: [0, hi] }),
      width: 560,
      height: 500,
    }),
  };
}
