import type { Row } from '../tables/csv';

/** Distinct values of a column, in first-seen order (or sorted numerically when all are numbers). */
export function unique<T extends Row[string]>(rows: Row[], column: string): T[] {
  const seen = new Set<T>();
  for (const r of rows) seen.add(r[column] as T);
  const out = [...seen];
  if (out.every((v) => typeof v === 'number')) (out as number[]).sort((a, b) => a - b);
  return out;
}

/** Rows where every given column equals the given value. */
export function where(rows: Row[], match: Row): Row[] {
  const keys = Object.keys(match);
  return rows.filter((r) => keys.every((k) => r[k] === match[k]));
}

/** Numeric column as an array (null/undefined → NaN). */
export function col(rows: Row[], column: string): number[] {
  return rows.map((r) => (r[column] === null || r[column] === undefined ? NaN : Number(r[column])));
}

/** Rows sorted by a numeric column. */
export function sortBy(rows: Row[], column: string): Row[] {
  return [...rows].sort((a, b) => Number(a[column]) - Number(b[column]));
}
