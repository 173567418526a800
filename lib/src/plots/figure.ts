/**
 * A Plotly figure as plain JSON: what both the notebooks and the report render, so that a figure
 * looks the same in both. Builders in this folder return `Figure`s from tidy tables; rendering is
 * separate (`render.ts` for PNG/SVG, `html.ts` for interactive pages).
 */
export interface Figure {
  data: Trace[];
  layout: Layout;
}

export type Trace = Record<string, unknown> & { type?: string; name?: string };
export type Layout = Record<string, unknown>;

/** memgeo's colours for the three manifold types and the four training splits, used in every figure. */
export const COLORS: Record<string, string> = {
  unpermuted: '#1f77b4',
  permuted: '#d62728',
  restored: '#2ca02c',
  train_unpermuted: '#1f77b4',
  train_permuted: '#d62728',
  train_restored: '#2ca02c',
  test: '#111111',
};

/** A sequential palette for several epochs or widths (early = light, late = dark). */
export function sequentialColor(i: number, n: number): string {
  const t = n <= 1 ? 1 : i / (n - 1);
  // viridis-like endpoints, interpolated in RGB
  const a = [68, 1, 84],
    b = [33, 145, 140],
    c = [253, 231, 37];
  const [p, q, u] = t < 0.5 ? [a, b, t * 2] : [b, c, (t - 0.5) * 2];
  const rgb = p.map((v, k) => Math.round(v + (q[k] - v) * u));
  return `rgb(${rgb.join(',')})`;
}

/** Base layout shared by every memgeo figure. */
export function baseLayout(title: string, extra: Layout = {}): Layout {
  return {
    title: { text: title, x: 0.02, xanchor: 'left', font: { size: 15 } },
    font: { family: 'Helvetica, Arial, sans-serif', size: 12 },
    margin: { l: 60, r: 20, t: 50, b: 50 },
    width: 900,
    height: 420,
    plot_bgcolor: 'white',
    paper_bgcolor: 'white',
    legend: { orientation: 'h', y: -0.2 },
    ...extra,
  };
}

/** Axis style with a light grid. */
export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { text: title }, showgrid: true, gridcolor: '#e5e5e5', zeroline: false, linecolor: '#444', ticks: 'outside', ...extra };
}
