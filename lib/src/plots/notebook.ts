import type { Figure } from './figure';
import { canRenderImages, renderFigure } from './render';
import { scriptJson } from './html';
import { displayBundle, type MimeBundle } from '../notebook/display';
import { PLOTLY_NBEXTENSION } from '../notebook/jupyterSetup';

/** Plotly's own MIME type: JupyterLab (with Plotly's extension) and VS Code draw it interactively. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

let counter = 0;

/**
 * The classic-Notebook interactive version of `fig`: a collapsed `<details>` whose script, when opened,
 * loads the Plotly bundle that `memgeo notebook` installs as a static nbextension file (served by the
 * notebook server itself, so it works offline) and draws the figure. Classic Notebook runs RequireJS,
 * which would capture an AMD/UMD bundle loaded by a plain `<script>` tag, so there the bundle is
 * loaded through RequireJS with a shim (works for AMD and for global-setting bundles alike). Outside
 * classic Notebook (JupyterLab, VS Code: they draw the Plotly MIME output instead) the block hides
 * itself. The bundle is never stored in the notebook; only the figure's JSON is.
 */
export function interactiveFigureHtml(fig: Figure, id: string): string {
  const js = `(function(){
var el=document.getElementById(${JSON.stringify(id)});if(!el)return;var box=el.parentNode;
var J=window.Jupyter,base=document.body&&document.body.getAttribute('data-base-url');
if(!(J&&J.notebook)||base===null){box.style.display='none';return;}
var url=base+${JSON.stringify(PLOTLY_NBEXTENSION)};
function fail(){el.textContent='Plotly could not be loaded from '+url+'.js: start Jupyter with "npx memgeo notebook" (it installs the bundle there).';}
function draw(P){if(!P||!P.newPlot)return fail();P.newPlot(el,${scriptJson(fig.data)},${scriptJson(fig.layout)},{responsive:true});}
function load(){
if(window.Plotly&&window.Plotly.newPlot)return draw(window.Plotly);
if(window.requirejs&&window.requirejs.config){window.requirejs.config({paths:{'memgeo-plotly':url},shim:{'memgeo-plotly':{exports:'Plotly'}}});
window.requirejs(['memgeo-plotly'],function(P){draw(P||window.Plotly);},fail);return;}
var s=document.createElement('script');s.src=url+'.js';s.onload=function(){draw(window.Plotly);};s.onerror=fail;document.head.appendChild(s);}
box.addEventListener('toggle',function(){if(box.open)load();},{once:true});
})();`;
  return `<details class="memgeo-interactive"><summary>interactive version</summary><div id="${id}" class="memgeo-figure"></div></details>\n<script>${js}</script>`;
}

/**
 * Show a figure in a tslab notebook, offline everywhere a notebook is opened:
 * 1. one output holding Plotly's MIME JSON (drawn interactively by JupyterLab with Plotly's extension
 *    and by VS Code) and a static PNG rendered headless (shown by classic Notebook, nbconvert and
 *    GitHub, which do not know Plotly's type);
 * 2. for classic Notebook, a collapsed interactive version that loads the local Plotly bundle on demand
 *    (`interactiveFigureHtml`).
 * Without Chromium the PNG is replaced by a line saying how to get it.
 */
export async function showFigure(fig: Figure, opts: { interactive?: boolean } = {}): Promise<void> {
  const title = String((fig.layout.title as { text?: string } | undefined)?.text ?? 'figure');
  const bundle: MimeBundle = {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, config: { responsive: true } },
    'text/plain': `<memgeo figure: ${title}>`,
  };
  if (canRenderImages()) bundle['image/png'] = await renderFigure(fig, 'png');
  else bundle['text/plain'] = `<memgeo figure: ${title}> (static image skipped: install Debian's 'chromium' to render figures headless)`;
  displayBundle(bundle);
  if (opts.interactive === false) return;
  displayBundle({ 'text/html': interactiveFigureHtml(fig, `memgeo-fig-${process.pid}-${++counter}-${Date.now().toString(36)}`) });
}
