/**
 * A small table of text cells: what the findings' `…Table` functions return (the report's numbers,
 * a notebook's Markdown). One row per line of the table; cells already formatted.
 */
export interface TextTable {
  columns: string[];
  rows: string[][];
}

/** The table as GitHub-flavoured Markdown: header, `|---|` rule, one line per row (cells as given, not escaped). */
export function markdownTable(t: TextTable): string {
  return [`| ${t.columns.join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`, ...t.rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );
}
