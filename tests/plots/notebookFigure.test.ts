// showFigure's outputs (captured at the channel tslab's display uses): Plotly's MIME JSON with a PNG in
// one output, then classic Notebook's on-demand interactive version; nothing refers to a CDN.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { showFigure, canRenderImages, closeRenderer, PLOTLY_MIME, PLOTLY_NBEXTENSION, type Figure } from 'memgeo';

after(() => closeRenderer());

const root = path.resolve(__dirname, '..', '..', '..');
const fig: Figure = {
  data: [{ type: 'scatter', x: [0, 1], y: [1, 2], name: 'unpermuted' }],
  layout: { title: { text: 'two points' }, width: 300, height: 200 },
};

test('showFigure: one output with Plotly JSON + PNG, one collapsed interactive version loading the local bundle', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const sent: Array<{ data: Record<string, unknown> }> = [];
  const saved = jupyter.lastWriteDisplayData;
  jupyter.lastWriteDisplayData = (msg: { data: Record<string, unknown> }) => sent.push(msg);
  try {
    await showFigure(fig);
  } finally {
    jupyter.lastWriteDisplayData = saved;
  }
  assert.equal(sent.length, 2);
  const [first, second] = sent.map((m) => m.data);
  assert.deepEqual(first[PLOTLY_MIME], { data: fig.data, layout: fig.layout, config: { responsive: true } });
  if (canRenderImages())
    assert.ok(
      Buffer.from(first['image/png'] as string, 'base64')
        .subarray(1, 4)
        .toString() === 'PNG',
      'base64 PNG',
    );
  assert.match(first['text/plain'] as string, /two points/);
  const html = second['text/html'] as string;
  assert.match(html, /<details class="memgeo-interactive"><summary>interactive version<\/summary>/);
  assert.ok(html.includes(PLOTLY_NBEXTENSION), 'loads the bundle the notebook server serves');
  assert.match(html, /requirejs/, 'through RequireJS where the page has it');
  assert.doesNotMatch(html, /https?:\/\//, 'no absolute URL (no CDN)');
  assert.ok(html.length < 4000, 'the bundle is not inlined');
});

test('no library source, CLI entry or notebook source refers to a CDN', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|js|md)$/.test(f)) files.push(p);
    }
  };
  walk(path.join(root, 'lib', 'src'));
  walk(path.join(root, 'lib', 'bin'));
  const offenders = files.filter((f) => /\bcdn\b|cdn\.|unpkg\.com|jsdelivr/i.test(fs.readFileSync(f, 'utf8')));
  for (const nb of fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb'))) {
    const cells = (JSON.parse(fs.readFileSync(path.join(root, 'notebooks', nb), 'utf8')) as { cells: Array<{ source: string | string[] }> })
      .cells;
    if (cells.some((c) => /cdn\.|unpkg\.com|jsdelivr/i.test(([] as string[]).concat(c.source).join('')))) offenders.push(nb);
  }
  assert.deepEqual(offenders, []);
});
