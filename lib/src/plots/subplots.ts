import { axis, type Layout } from './figure';

/**
 * Side-by-side panels (1 row × n columns) for Plotly: returns layout entries for the axes and the
 * axis ids ('x', 'x2', ...) that traces of panel k should use. Panel titles become annotations.
 */
export function panels(titles: string[], xTitle: string, yTitle: string, opts: { gap?: number; sharedY?: boolean; xExtra?: Record<string, unknown>; yExtra?: Record<string, unknown> } = {}): { layout: Layout; axisIds: { x: string; y: string }[] } {
  const n = titles.length;
  const gap = opts.gap ?? 0.06;
  const width = (1 - gap * (n - 1)) / n;
  const layout: Layout = { annotations: [] as unknown[] };
  const axisIds: { x: string; y: string }[] = [];
  for (let k = 0; k < n; k++) {
    const sx = k === 0 ? '' : String(k + 1);
    const x0 = k * (width + gap);
    layout[`xaxis${sx}`] = axis(xTitle, { domain: [x0, x0 + width], anchor: `y${sx}`, ...opts.xExtra });
    layout[`yaxis${sx}`] = axis(k === 0 ? yTitle : '', { anchor: `x${sx}`, ...(opts.sharedY && k > 0 ? { matches: 'y' } : {}), ...opts.yExtra });
    (layout.annotations as unknown[]).push({ text: `<b>${titles[k]}</b>`, x: x0 + width / 2, y: 1.02, xref: 'paper', yref: 'paper', xanchor: 'center', yanchor: 'bottom', showarrow: false });
    axisIds.push({ x: `x${sx}`, y: `y${sx}` });
  }
  return { layout, axisIds };
}
