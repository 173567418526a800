import type { Figure } from './figure';
import { canRenderImages, renderFigure } from './render';
import { scriptJson } from './html';

/** The CDN copy of the Plotly version memgeo bundles, for interactive figures in a browser-viewed notebook. */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const PLOTLY_CDN = `https://cdn.plot.ly/plotly-${(require('plotly.js-dist/package.json') as { version: string }).version}.min.js`;

let counter = 0;

/**
 * Show a figure in a tslab notebook: a static PNG (rendered headless, so it is stored in the
 * notebook and shows on GitHub and in nbconvert HTML), followed by a collapsed interactive version
 * that loads Plotly from a CDN only when opened, so no multi-megabyte bundle is stored per figure.
 * Without Chromium it shows the interactive version only and says how to get images.
 */
export async function showFigure(fig: Figure, opts: { interactive?: boolean } = {}): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { display } = require('tslab') as { display: { png(b: Uint8Array): void; html(s: string): void; text(s: string): void } };
  if (canRenderImages()) display.png(await renderFigure(fig, 'png'));
  else display.text("(static image skipped: install Debian's 'chromium' to render figures headless)");
  if (opts.interactive === false) return;
  const id = `memgeo-fig-${process.pid}-${++counter}`;
  display.html(
    `<details><summary>interactive version</summary><div id="${id}"></div></details>\n<script>(function(){var d=document.getElementById(${JSON.stringify(id)}).parentNode;` +
      `function draw(){Plotly.newPlot(${JSON.stringify(id)}, ${scriptJson(fig.data)}, ${scriptJson(fig.layout)});}` +
      `d.addEventListener('toggle',function(){if(!d.open)return;if(window.Plotly)return draw();var s=document.createElement('script');s.src=${JSON.stringify(PLOTLY_CDN)};s.onload=draw;document.head.appendChild(s);},{once:true});})();</script>`,
  );
}
