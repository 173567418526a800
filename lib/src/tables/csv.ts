import * as fs from 'fs';
import Papa from 'papaparse';
import { atomicWriteFileSync } from '../io/atomicWrite';

/** One row of a tidy table: one observation, one value per column. */
export type Row = Record<string, string | number | boolean | null>;

/**
 * Read a CSV written by memgeo (header row, comma separated). Numeric-looking cells become numbers,
 * empty cells become null. A missing file gives an empty table.
 */
export function readCsv(file: string): Row[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  const parsed = Papa.parse<Row>(text, { header: true, dynamicTyping: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0];
    throw new Error(`${file}: CSV parse error at row ${e.row}: ${e.message}`);
  }
  const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
  for (const row of parsed.data) for (const k in row) if (typeof row[k] === 'string' && (row[k] as string) in special) row[k] = special[row[k] as string];
  return parsed.data;
}

/** Serialise rows with the given column order (every row must have every column). */
export function toCsv(rows: Row[], columns: string[]): string {
  for (const [i, r] of rows.entries()) {
    for (const c of columns) if (!(c in r)) throw new Error(`toCsv: row ${i} has no column '${c}'`);
  }
  return Papa.unparse({ fields: columns, data: rows.map((r) => columns.map((c) => fmt(r[c]))) }, { newline: '\n' }) + '\n';
}

/** Write a tidy table atomically (the whole file is replaced, never left half-written). */
export function writeCsv(file: string, rows: Row[], columns: string[]): void {
  atomicWriteFileSync(file, toCsv(rows, columns));
}

/**
 * Add rows to a tidy table: the existing rows are kept, rows whose key columns match a new row are
 * replaced, and the file is rewritten atomically. This is how resumable experiments record progress.
 */
export function upsertCsv(file: string, newRows: Row[], columns: string[], keyColumns: string[]): Row[] {
  const key = (r: Row) => keyColumns.map((c) => String(r[c])).join('\u0001');
  const fresh = new Set(newRows.map(key));
  const rows = readCsv(file).filter((r) => !fresh.has(key(r)));
  rows.push(...newRows);
  writeCsv(file, rows, columns);
  return rows;
}

function fmt(v: Row[string]): string | number | boolean {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}
