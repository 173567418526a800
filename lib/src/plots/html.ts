import * as fs from 'fs';
import * as path from 'path';
import { atomicWriteFileSync } from '../io/atomicWrite';
import type { Figure } from './figure';

/** File name of the one Plotly bundle that every interactive page in a results folder shares. */
export const PLOTLY_BUNDLE = 'plotly.js';

/** Copy plotly.js-dist into `dir` once (offline, shared by all pages there); returns its path. */
export function writePlotlyBundle(dir: string): string {
  const target = path.join(dir, PLOTLY_BUNDLE);
  const source = require.resolve('plotly.js-dist');
  if (!fs.existsSync(target) || fs.statSync(target).size !== fs.statSync(source).size) atomicWriteFileSync(target, fs.readFileSync(source));
  return target;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** JSON safe to put inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** A `<div>` + `<script>` that draws `fig` with a Plotly already loaded on the page. */
export function figureDiv(fig: Figure, id: string): string {
  return `<div id="${id}" class="memgeo-figure"></div>\n<script>Plotly.newPlot(${JSON.stringify(id)}, ${scriptJson(fig.data)}, ${scriptJson(fig.layout)}, {responsive: true});</script>`;
}

/**
 * A standalone interactive page for one figure that loads the shared bundle by relative path
 * (`bundleHref`, default the bundle in the same folder), so it works offline and stays small.
 */
export function figureHtml(fig: Figure, opts: { title?: string; bundleHref?: string } = {}): string {
  const title = opts.title ?? String((fig.layout.title as { text?: string })?.text ?? 'memgeo figure');
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>\n<script src="${opts.bundleHref ?? PLOTLY_BUNDLE}"></script></head>\n<body>\n${figureDiv(fig, 'fig')}\n</body></html>\n`;
}
