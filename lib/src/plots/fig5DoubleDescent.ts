import { widthErrors } from '../doubleDescent/interpolationThreshold';
import type { Row } from '../tables/csv';
import { axis, baseLayout, COLORS, type Figure, type Layout, type Trace } from './figure';
import { panels } from './subplots';
import { unique } from './tidy';

type GeometryMetric = 'capacity' | 'radius' | 'dimension' | 'center_correlation';

/** Rows of one noise kind: the one asked for, else the first in the table (tables without the column pass). */
function ofKind(dd: Row[], noiseKind?: string): { rows: Row[]; kind: string | null } {
  const kinds = unique<string>(dd, 'noise_kind').filter((k) => k !== null && k !== undefined);
  if (kinds.length === 0) return { rows: dd, kind: null };
  const kind = noiseKind ?? kinds[0];
  return { rows: dd.filter((r) => r.noise_kind === kind), kind };
}

function thresholdMarks(t: number | null | undefined, xref = 'x'): Layout {
  if (!t) return { shapes: [], annotations: [] };
  return {
    shapes: [{ type: 'line', xref, x0: t, x1: t, y0: 0, y1: 1, yref: 'paper', line: { dash: 'dash', color: '#888' } }],
    annotations: [
      {
        xref,
        x: Math.log10(t),
        y: 1,
        yref: 'paper',
        text: `interpolation threshold (width ${t})`,
        showarrow: false,
        xanchor: 'left',
        yanchor: 'bottom',
      },
    ],
  };
}

/** Log width axis with a tick at every measured width (Plotly's log ticks hide most of them). */
function widthAxis(widths: number[]): Record<string, unknown> {
  const ws = [...new Set(widths)].sort((a, b) => a - b);
  return { type: 'log', tickvals: ws, ticktext: ws.map((w) => String(w)) };
}

/**
 * Paper Fig. 5 (top): test error (left) and training error by group (right) against width (log axis),
 * the interpolation threshold dashed. One noise kind (`noiseKind`, default the table's first); errors
 * are averaged over training seeds, with the seeds' spread as error bars on the test error.
 */
export function doubleDescentErrors(
  dd: Row[],
  opts: { interpolationThreshold?: number | null; title?: string; noiseKind?: string } = {},
): Figure {
  const { rows, kind } = ofKind(dd, opts.noiseKind);
  const e = widthErrors(rows, kind ?? undefined);
  const w = e.map((x) => x.width);
  const multiSeed = e.some((x) => x.seeds > 1);
  const { layout, axisIds } = panels(['test error', 'training error (labels trained on)'], 'width', 'error', {
    gap: 0.08,
    xExtra: widthAxis(w),
  });
  const [a, b] = axisIds;
  const data: Trace[] = [
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'test error',
      x: w,
      y: e.map((x) => x.testError),
      line: { color: COLORS.test },
      xaxis: a.x,
      yaxis: a.y,
      ...(multiSeed ? { error_y: { type: 'data', array: e.map((x) => x.testErrorStd), visible: true } } : {}),
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'train error (all examples)',
      x: w,
      y: e.map((x) => x.trainError),
      line: { color: '#7f7f7f' },
      xaxis: b.x,
      yaxis: b.y,
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'train error (noisy examples)',
      x: w,
      y: e.map((x) => x.trainPermutedError),
      line: { color: COLORS.permuted, dash: 'dot' },
      xaxis: b.x,
      yaxis: b.y,
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'train error (clean examples)',
      x: w,
      y: e.map((x) => x.trainUnpermutedError),
      line: { color: COLORS.unpermuted, dash: 'dot' },
      xaxis: b.x,
      yaxis: b.y,
    },
  ];
  (layout[a.y.replace('y', 'yaxis')] as Record<string, unknown>).rangemode = 'tozero';
  (layout[b.y.replace('y', 'yaxis')] as Record<string, unknown>).range = [0, 1];
  const t = opts.interpolationThreshold;
  const title =
    opts.title ??
    `Model-wise double descent${kind ? ` (${kind} label noise)` : ''}${t ? `; dashed: interpolation threshold, width ${t}` : ''}`;
  return {
    data,
    layout: baseLayout(title, {
      ...layout,
      shapes: t
        ? axisIds.map((ax) => ({
            type: 'line',
            xref: ax.x,
            x0: t,
            x1: t,
            y0: 0,
            y1: 1,
            yref: 'paper',
            line: { dash: 'dash', color: '#888' },
          }))
        : [],
      width: 1000,
      height: 400,
      margin: { l: 60, r: 20, t: 70, b: 50 },
    }),
  };
}

/** One geometry measure of the three manifold types against width at one layer, seeds averaged. */
function geometryTraces(rows: Row[], layer: string, metric: GeometryMetric, axes?: { x: string; y: string }, showLegend = true): Trace[] {
  return ['unpermuted', 'restored', 'permuted'].map((kind) => {
    const byWidth = new Map<number, Row[]>();
    for (const r of rows) {
      if (r.layer !== layer || r.manifold !== kind || !Number.isFinite(Number(r[metric]))) continue;
      const w = Number(r.width);
      if (!byWidth.has(w)) byWidth.set(w, []);
      byWidth.get(w)!.push(r);
    }
    const widths = [...byWidth.keys()].sort((a, b) => a - b);
    const mean = (rs: Row[], c: string) => rs.reduce((s, r) => s + Number(r[c]), 0) / rs.length;
    const std = widths.map((w) => mean(byWidth.get(w)!, `${metric}_std`));
    return {
      type: 'scatter',
      mode: 'lines+markers',
      name: kind,
      legendgroup: kind,
      showlegend: showLegend,
      x: widths,
      y: widths.map((w) => mean(byWidth.get(w)!, metric)),
      ...(std.every((s) => Number.isFinite(s)) ? { error_y: { type: 'data', array: std, visible: true, thickness: 1 } } : {}),
      line: { color: COLORS[kind] },
      ...(axes ? { xaxis: axes.x, yaxis: axes.y } : {}),
    };
  });
}

/**
 * Paper Fig. 5 (bottom): a geometry measure of the three manifold types against width, for one layer
 * (default: the last one in the table) and one noise kind; error bars are the std over analysis seeds.
 */
export function doubleDescentGeometry(
  dd: Row[],
  metric: GeometryMetric,
  opts: { layer?: string; title?: string; noiseKind?: string; interpolationThreshold?: number | null } = {},
): Figure {
  const { rows, kind } = ofKind(dd, opts.noiseKind);
  const layer =
    opts.layer ??
    unique<string>(rows, 'layer')
      .filter((l) => l)
      .slice(-1)[0];
  return {
    data: geometryTraces(rows, layer, metric),
    layout: baseLayout(opts.title ?? `${metric} against width (${layer}${kind ? `, ${kind} label noise` : ''})`, {
      xaxis: axis('width', widthAxis(rows.map((r) => Number(r.width)))),
      yaxis: axis(metric),
      ...thresholdMarks(opts.interpolationThreshold),
    }),
  };
}

/** Capacity, radius and dimension side by side against width for one layer and noise kind. */
export function doubleDescentGeometryPanels(
  dd: Row[],
  opts: { layer?: string; title?: string; noiseKind?: string; interpolationThreshold?: number | null } = {},
): Figure {
  const { rows, kind } = ofKind(dd, opts.noiseKind);
  const layer =
    opts.layer ??
    unique<string>(rows, 'layer')
      .filter((l) => l)
      .slice(-1)[0];
  const metrics: GeometryMetric[] = ['capacity', 'radius', 'dimension'];
  const { layout, axisIds } = panels(['capacity α_M', 'radius R_M', 'dimension D_M'], 'width', '', {
    xExtra: widthAxis(rows.map((r) => Number(r.width))),
  });
  const data = metrics.flatMap((m, k) => geometryTraces(rows, layer, m, axisIds[k], k === 0));
  const t = opts.interpolationThreshold;
  const shapes = t
    ? axisIds.map((a) => ({ type: 'line', xref: a.x, x0: t, x1: t, y0: 0, y1: 1, yref: 'paper', line: { dash: 'dash', color: '#888' } }))
    : [];
  return {
    data,
    layout: baseLayout(
      opts.title ??
        `Geometry of the ${layer} layer against width${kind ? ` (${kind} label noise)` : ''}${t ? `; dashed: interpolation threshold ${t}` : ''}`,
      { ...layout, shapes, width: 1000, height: 380, margin: { l: 50, r: 20, t: 70, b: 50 } },
    ),
  };
}
