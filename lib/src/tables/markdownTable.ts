/**
 * A small table of text cells: what the findings' `…Table` functions return (the report's numbers,
 * a notebook's Markdown). One row per line of the table; cells already formatted.
 */
export interface TextTable {
  columns: string[];
  rows: string[][];
}

/**
 * A table as GitHub-flavoured Markdown: header, `| --- |` rule, one line per row; `|` in a cell is
 * escaped, null and undefined cells are empty. The one Markdown table writer of the report, the
 * findings and `memgeo compare`.
 */
export function markdownTable(t: { columns: string[]; rows: readonly (readonly unknown[])[] }): string {
  const esc = (v: unknown) => (v === null || v === undefined ? '' : String(v).replace(/\|/g, '\\|'));
  return [
    `| ${t.columns.map(esc).join(' | ')} |`,
    `| ${t.columns.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}
