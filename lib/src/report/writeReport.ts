import * as fs from 'fs';
import * as path from 'path';
import { atomicWriteFileSync } from '../io/atomicWrite';
import { canRenderImages, figureDiv, figureHtml, renderFigure, writePlotlyBundle } from '../plots';
import { writeCsv } from '../tables/csv';
import { compareFindings, FINDINGS_COLUMNS, FINDINGS_FILE, findingsRows, verdictOf } from './findingsTable';
import type { NumberTable, ReportMeta, ReportSection } from './types';
import { markdownTable } from '../tables/markdownTable';

/** What `writeReport` wrote. */
export interface WrittenReport {
  markdown: string;
  html: string;
  figures: string[];
  images: boolean;
}

const verdict = verdictOf;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function htmlTable(t: NumberTable): string {
  return `<table><thead><tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${t.rows
    .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v === null ? '' : String(v))}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** `code` spans and **bold** in our own prose, for the HTML version. */
function inline(s: string): string {
  return escapeHtml(s)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');
}

/**
 * Write every figure (interactive HTML sharing one offline Plotly bundle, plus PNG and SVG when
 * headless Chromium is available) and `report.md` / `report.html` into `outDir`: one section per
 * paper finding with the claim, our figure, our numbers and whether it held.
 */
export async function writeReport(sections: ReportSection[], meta: ReportMeta, outDir: string): Promise<WrittenReport> {
  const figDir = path.join(outDir, 'figures');
  fs.mkdirSync(figDir, { recursive: true });
  writePlotlyBundle(figDir);
  const images = canRenderImages();
  const figures: string[] = [];
  for (const s of sections) {
    for (const f of s.figures) {
      atomicWriteFileSync(path.join(figDir, `${f.name}.html`), figureHtml(f.figure, { title: f.caption }));
      figures.push(`figures/${f.name}.html`);
      if (images) {
        atomicWriteFileSync(path.join(figDir, `${f.name}.png`), await renderFigure(f.figure, 'png'));
        atomicWriteFileSync(path.join(figDir, `${f.name}.svg`), await renderFigure(f.figure, 'svg'));
      }
    }
  }

  const summary = sections.flatMap((s) => s.checks.map((c) => [s.title, c.claim, verdict(c)]));
  const findings = findingsRows(sections, meta.preset);
  const comparison = meta.comparison?.length ? compareFindings([findings, ...meta.comparison.map((o) => o.rows)]) : null;
  const totalSeconds = meta.timings.reduce((a, t) => a + t.seconds, 0);
  const md: string[] = [
    `# ${meta.title}`,
    '',
    `Preset **${meta.preset}**: ${meta.presetDescription}`,
    '',
    ...(meta.setting?.length ? [...meta.setting.map((l) => `- ${l}`), ''] : []),
    `Backend ${meta.backend}, memgeo ${meta.memgeoVersion}, generated ${meta.generatedAt}.${meta.setting?.length ? '' : ` Compute time of the steps: ${meta.timings.map((t) => `${t.step} ${t.seconds.toFixed(0)} s`).join(', ')} (total ${(totalSeconds / 60).toFixed(1)} min).`}`,
    '',
    '## Summary',
    '',
    markdownTable({ columns: ['finding', 'claim', 'in our run'], rows: summary }),
    '',
    ...(comparison
      ? ['## Across presets', '', comparisonNote(meta.comparison!.map((o) => o.source)), '', markdownTable(comparison), '']
      : []),
  ];
  const body: string[] = [];
  for (const s of sections) {
    md.push(`## ${s.title}`, '', `**The paper:** ${s.paperClaim}`, '');
    body.push(`<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2><p><b>The paper:</b> ${inline(s.paperClaim)}</p>`);
    for (const f of s.figures) {
      md.push(
        images ? `![${f.caption}](figures/${f.name}.png)` : `Figure: [${f.caption}](figures/${f.name}.html)`,
        '',
        `*${f.caption}* ([interactive](figures/${f.name}.html))`,
        '',
      );
      body.push(`<figure>${figureDiv(f.figure, `fig-${f.name}`)}<figcaption>${inline(f.caption)}</figcaption></figure>`);
    }
    if (s.numbers) {
      md.push(markdownTable(s.numbers), '');
      body.push(htmlTable(s.numbers));
    }
    md.push('**Did it hold here?**', '');
    body.push('<p><b>Did it hold here?</b></p><ul>');
    for (const c of s.checks) {
      md.push(`- ${c.claim}: **${verdict(c)}**. ${c.evidence}`);
      body.push(
        `<li>${inline(c.claim)}: <b class="${c.held === true ? 'held' : c.held === false ? 'failed' : 'undecided'}">${verdict(c)}</b>. ${inline(c.evidence)}</li>`,
      );
    }
    md.push('');
    body.push('</ul>');
    if (s.notes?.length) {
      md.push(...s.notes.map((n) => `> ${n}`), '');
      body.push(...s.notes.map((n) => `<p class="note">${inline(n)}</p>`));
    }
    body.push('</section>');
  }
  const markdown = md.join('\n');
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(meta.title)}</title>
<script src="figures/plotly.js"></script>
<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
.held{color:#1a7f37}.failed{color:#b42318}.undecided{color:#8a6d00}.note{color:#555;border-left:3px solid #ddd;padding-left:.8em}
figure{margin:1.5em 0}figcaption{color:#555;font-size:.9em}</style></head>
<body><h1>${escapeHtml(meta.title)}</h1>
<p>Preset <b>${escapeHtml(meta.preset)}</b>: ${inline(meta.presetDescription)}</p>
${meta.setting?.length ? `<ul>${meta.setting.map((l) => `<li>${inline(l)}</li>`).join('')}</ul>` : ''}
<p>Backend ${escapeHtml(meta.backend)}, memgeo ${escapeHtml(meta.memgeoVersion)}, generated ${escapeHtml(meta.generatedAt)}; compute ${(totalSeconds / 60).toFixed(1)} min.</p>
<h2>Summary</h2>${htmlTable({ columns: ['finding', 'claim', 'in our run'], rows: summary })}
${comparison ? `<h2>Across presets</h2><p>${inline(comparisonNote(meta.comparison!.map((o) => o.source)))}</p>${htmlTable(comparison)}` : ''}
${body.join('\n')}
</body></html>
`;
  writeCsv(path.join(outDir, FINDINGS_FILE), findings, FINDINGS_COLUMNS);
  atomicWriteFileSync(path.join(outDir, 'report.md'), markdown + '\n');
  atomicWriteFileSync(path.join(outDir, 'report.html'), html);
  return { markdown: path.join(outDir, 'report.md'), html: path.join(outDir, 'report.html'), figures, images };
}

function comparisonNote(sources: string[]): string {
  return `This run's verdicts beside those in the results folders next to it (${sources.map((s) => `\`${s}\``).join(', ')}; their findings.csv as last written). Each cell: the verdict and its numbers; the claim is worded as in the first column's run.`;
}
