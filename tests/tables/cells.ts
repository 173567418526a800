// Assertions on table cells that cannot pass by accident: `Number('')` and `Number(null)` are 0, so a
// plain `Number(cell) >= 0` holds for an empty cell too.
import assert from 'node:assert/strict';

/** The cell `column` of `row` holds a finite number (not empty, not null, not NaN), which is returned. */
export function finiteCell(row: Record<string, unknown>, column: string): number {
  const v = row[column];
  assert.ok(v !== null && v !== undefined && v !== '', `${column} is empty`);
  const x = Number(v);
  assert.ok(Number.isFinite(x), `${column} = ${String(v)} is not a finite number`);
  return x;
}

/** The cell holds a finite number ≥ 0 (a standard deviation, a count). */
export function nonNegativeCell(row: Record<string, unknown>, column: string): number {
  const x = finiteCell(row, column);
  assert.ok(x >= 0, `${column} = ${x} is negative`);
  return x;
}
