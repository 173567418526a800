/*
 * Tidy tables as danfojs DataFrames, for readers who work the pandas way (`df.query`, `groupby`,
 * `describe`). The CSV files stay the source of truth: a frame is built from the rows `readCsv` gives
 * and turns back into the same rows (`frameRows`). danfojs (with TensorFlow.js) is loaded on first use
 * only, so code that never asks for a frame does not pay for it.
 */

import * as fs from 'fs';
import type { DataFrame } from 'danfojs/dist/danfojs-browser/src/index';
import { InputError } from '../errors';
import { readCsv, type Row } from './csv';

export type { DataFrame };

type Danfo = {
  DataFrame: new (data: unknown, opts?: { columns?: string[] }) => DataFrame;
  toJSON(df: DataFrame, opts?: { format?: 'column' | 'row' }): unknown;
};

let danfo: Danfo | null = null;
function loadDanfo(): Danfo {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (!danfo) danfo = require('danfojs') as Danfo;
  return danfo;
}

/**
 * A DataFrame of tidy rows. Columns are `columns` when given (every row must have them), else the
 * union of the rows' keys in first-seen order; a missing cell is null.
 */
export function toFrame(rows: Row[], columns?: string[]): DataFrame {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (columns) {
    rows.forEach((row: Row, i: number) => {
      const absent = columns.find((name) => !(name in row));
      if (absent !== undefined) throw new InputError(`toFrame: row ${i} has no column '${absent}'`);
    });
  }
  const { DataFrame: Frame } = loadDanfo();
  if (rows.length === 0) return new Frame([], { columns: cols });
  return new Frame(
    rows.map((r) => cols.map((c) => (r[c] === undefined ? null : r[c]))),
    { columns: cols },
  );
}

/** The frame's rows as tidy rows (the inverse of `toFrame`). */
export function frameRows(df: DataFrame): Row[] {
  const columns = df.columns as string[];
  return (df.values as unknown[][]).map((v) => Object.fromEntries(columns.map((c, j) => [c, (v[j] ?? null) as Row[string]])));
}

/** Read a tidy CSV (as `readCsv` does) into a DataFrame; a missing file is an error naming it. */
export function readFrame(file: string): DataFrame {
  if (!fs.existsSync(file)) throw new InputError(`readFrame: ${file} not found`);
  const text = fs.readFileSync(file, 'utf8');
  const header = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length).trim();
  return toFrame(readCsv(file), header ? header.split(',') : undefined);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A cell as shown: numbers with `digits` significant digits (integers as they are), null as empty. */
function cellText(v: unknown, digits: number): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number')
    return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : String(v);
  return String(v);
}

export interface FrameHtmlOptions {
  /** Rows shown: the first and last `maxRows / 2` when there are more (as pandas does); default 40. */
  maxRows?: number;
  /** Significant digits of non-integer numbers; default 4. */
  digits?: number;
  /** Caption above the table. */
  caption?: string;
}

/** What a rendering shows: the columns, all values, and the row indices shown (-1 = the elided middle). */
function layout(
  data: DataFrame | Row[],
  opts: FrameHtmlOptions,
): { columns: string[]; values: unknown[][]; shown: number[]; digits: number } {
  const df = Array.isArray(data) ? toFrame(data) : data;
  const values = df.values as unknown[][];
  const maxRows = opts.maxRows ?? 40;
  const index = values.map((_, i) => i);
  const shown =
    values.length > maxRows
      ? [...index.slice(0, Math.ceil(maxRows / 2)), -1, ...index.slice(values.length - Math.floor(maxRows / 2))]
      : index;
  return { columns: df.columns as string[], values, shown, digits: opts.digits ?? 4 };
}

/** An HTML table of a frame (or rows), in the style Jupyter gives pandas frames (`class="dataframe"`). */
export function frameHtml(data: DataFrame | Row[], opts: FrameHtmlOptions = {}): string {
  const { columns, values, shown, digits } = layout(data, opts);
  const numeric = columns.map((_, j) => values.length > 0 && values.every((r) => r[j] === null || typeof r[j] === 'number'));
  const td = (v: unknown, j: number) => `<td${numeric[j] ? ' style="text-align:right"' : ''}>${escapeHtml(cellText(v, digits))}</td>`;
  const body = shown
    .map((i) =>
      i < 0 ? `<tr><th>…</th>${columns.map(() => '<td>…</td>').join('')}</tr>` : `<tr><th>${i}</th>${values[i].map(td).join('')}</tr>`,
    )
    .join('\n');
  const caption = opts.caption ? `<caption style="caption-side:top;text-align:left">${escapeHtml(opts.caption)}</caption>` : '';
  return (
    `<table border="1" class="dataframe">${caption}\n<thead><tr style="text-align:right"><th></th>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>\n` +
    `<tbody>\n${body}\n</tbody></table>\n<p>${values.length} rows × ${columns.length} columns</p>`
  );
}

/** Plain-text rendering (for text/plain and consoles): aligned columns, the same rows as `frameHtml`. */
export function frameText(data: DataFrame | Row[], opts: FrameHtmlOptions = {}): string {
  const { columns, values, shown, digits } = layout(data, opts);
  const cells = [columns, ...shown.map((i) => (i >= 0 ? values[i].map((v) => cellText(v, digits)) : columns.map(() => '…')))];
  const widths = columns.map((_, j) => Math.max(...cells.map((r) => r[j].length)));
  return [
    ...cells.map((r) => r.map((c, j) => c.padStart(widths[j])).join('  ')),
    `[${values.length} rows × ${columns.length} columns]`,
  ].join('\n');
}
