import * as fs from 'fs';
import Papa from 'papaparse';
import { InputError } from '../errors';
import { atomicWriteFileSync } from '../io/atomicWrite';
import { fileSystemError, guardOutputFile } from '../io/outputPath';

/** One row of a tidy table: one observation, one value per column. */
export type Row = Record<string, string | number | boolean | null>;

export interface ReadCsvOptions {
  /** Columns the table must have (memgeo's own tables): a header without them, a file that does
   * not end with a newline (cut off) or a row with the wrong number of fields is a damaged table. */
  columns?: readonly string[];
  /** What the user should do about a damaged file (default: delete it so it is recomputed). */
  remedy?: string;
}

const DEFAULT_REMEDY = 'delete it and rerun the command to recompute it';

/**
 * Read a CSV written by memgeo (header row, comma separated). Numeric-looking cells become numbers,
 * empty cells become null. A missing file gives an empty table. An empty, cut-off or otherwise
 * damaged file is an InputError that names the file and says what to do (`options.remedy`), never a
 * silently shortened table.
 */
export function readCsv(file: string, options: ReadCsvOptions = {}): Row[] {
  if (!fs.existsSync(file)) return [];
  const remedy = options.remedy ?? DEFAULT_REMEDY;
  const damaged = (what: string) => new InputError(`${file} is damaged: ${what}; ${remedy}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw fileSystemError(err, 'read', file);
  }
  if (text.trim() === '') throw damaged('the file is empty');
  const parsed = Papa.parse<Row>(text, { header: true, dynamicTyping: true, skipEmptyLines: true });
  const fields = parsed.meta.fields ?? [];
  if (options.columns) {
    const missing = options.columns.filter((c) => !fields.includes(c));
    if (missing.length > 0)
      throw damaged(
        `its header lacks ${missing.join(', ')} (header: ${fields.slice(0, 12).join(', ')}${fields.length > 12 ? ', ...' : ''})`,
      );
    if (!text.endsWith('\n')) throw damaged('it does not end with a newline (cut off while being copied or written by another program)');
  }
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0];
    const line = e.row === undefined ? '' : ` at line ${e.row + 2}`;
    throw damaged(
      `${e.code === 'TooFewFields' || e.code === 'TooManyFields' ? `a row with another number of fields than the header's ${fields.length}` : e.message}${line}`,
    );
  }
  const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
  for (const row of parsed.data)
    for (const k in row) if (typeof row[k] === 'string' && (row[k] as string) in special) row[k] = special[row[k] as string];
  return parsed.data;
}

/** Serialise rows with the given column order (every row must have every column). */
export function toCsv(rows: Row[], columns: string[]): string {
  for (const [i, r] of rows.entries()) {
    for (const c of columns) if (!(c in r)) throw new Error(`toCsv: row ${i} has no column '${c}'`);
  }
  return Papa.unparse({ fields: columns, data: rows.map((r) => columns.map((c) => fmt(r[c]))) }, { newline: '\n' }) + '\n';
}

/**
 * Write a tidy table atomically (the whole file is replaced, never left half-written). Only a table
 * of the same columns is replaced: any other file at the path is refused (it is not memgeo's).
 */
export function writeCsv(file: string, rows: Row[], columns: string[]): void {
  guardOutputFile(file, {
    what: 'a table',
    isOurs: (f) => headerOf(f).join(',') === columns.join(','),
    why: `its first line is not the header ${columns.slice(0, 4).join(',')},...`,
  });
  atomicWriteFileSync(file, toCsv(rows, columns));
}

/** The column names of a CSV file's first line ([] when unreadable). */
function headerOf(file: string): string[] {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(8192);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      const line = buf.toString('utf8', 0, n).split('\n')[0];
      return (Papa.parse<string[]>(line).data[0] ?? []).map((c) => c.trim());
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return [];
  }
}

/**
 * Add rows to a tidy table: the existing rows are kept, rows whose key columns match a new row are
 * replaced, and the file is rewritten atomically. This is how resumable experiments record progress.
 */
export function upsertCsv(
  file: string,
  newRows: Row[],
  columns: string[],
  keyColumns: string[],
  options: Omit<ReadCsvOptions, 'columns'> = {},
): Row[] {
  const key = (r: Row) => keyColumns.map((c) => String(r[c])).join('\u0001');
  const fresh = new Set(newRows.map(key));
  const rows = readCsv(file, { ...options, columns }).filter((r) => !fresh.has(key(r)));
  rows.push(...newRows);
  writeCsv(file, rows, columns);
  return rows;
}

function fmt(v: Row[string]): string | number | boolean {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return v;
}
