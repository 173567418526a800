import { axis, type Layout } from './figure';

/**
 * Panels for Plotly, side by side (1 row × n columns) or, with `columns`, in rows of that many:
 * returns layout entries for the axes and the axis ids ('x', 'x2', ...) that traces of panel k
 * should use. Panel titles become annotations.
 */
export function panels(
  titles: string[],
  xTitle: string,
  yTitle: string,
  opts: { gap?: number; sharedY?: boolean; xExtra?: Record<string, unknown>; yExtra?: Record<string, unknown>; columns?: number } = {},
): { layout: Layout; axisIds: { x: string; y: string }[] } {
  const n = titles.length;
  const cols = Math.max(1, Math.min(n, opts.columns ?? n));
  const rows = Math.ceil(n / cols);
  const gap = opts.gap ?? 0.06;
  const vgap = 0.12;
  const width = (1 - gap * (cols - 1)) / cols;
  const height = (1 - vgap * (rows - 1)) / rows;
  const layout: Layout = { annotations: [] as unknown[] };
  const axisIds: { x: string; y: string }[] = [];
  for (let k = 0; k < n; k++) {
    const sx = k === 0 ? '' : String(k + 1);
    const [row, c] = [Math.floor(k / cols), k % cols];
    const x0 = c * (width + gap);
    const y1 = 1 - row * (height + vgap);
    layout[`xaxis${sx}`] = axis(xTitle, { domain: [x0, x0 + width], anchor: `y${sx}`, ...opts.xExtra });
    layout[`yaxis${sx}`] = axis(c === 0 ? yTitle : '', {
      anchor: `x${sx}`,
      ...(rows > 1 ? { domain: [y1 - height, y1] } : {}),
      ...(opts.sharedY && k > 0 ? { matches: 'y' } : {}),
      ...opts.yExtra,
    });
    (layout.annotations as unknown[]).push({
      text: `<b>${titles[k]}</b>`,
      x: x0 + width / 2,
      y: rows > 1 ? y1 + 0.01 : 1.02,
      xref: 'paper',
      yref: 'paper',
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    });
    axisIds.push({ x: `x${sx}`, y: `y${sx}` });
  }
  return { layout, axisIds };
}
