// Tidy tables as danfojs DataFrames: a frame round-trips a table (through the CSV and back), and
// renders as an HTML table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeCsv, readCsv, toFrame, frameRows, readFrame, frameHtml, frameText, Experiment, getPreset, type Row } from 'memgeo';

const columns = ['epoch', 'layer', 'manifold', 'capacity', 'radius', 'converged', 'note'];
const rows: Row[] = [
  { epoch: 0, layer: 'conv1', manifold: 'unpermuted', capacity: 0.0512345678, radius: 1.25, converged: true, note: null },
  { epoch: 0, layer: 'conv1', manifold: 'permuted', capacity: NaN, radius: Infinity, converged: false, note: 'no <b>fit</b>' },
  { epoch: 40, layer: 'fc1', manifold: 'restored', capacity: 0.2, radius: -0.5, converged: true, note: 'x,y' },
];

test('a frame round-trips a tidy table: rows → frame → rows, and CSV → readFrame → rows', () => {
  assert.deepEqual(frameRows(toFrame(rows, columns)), rows);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-frames-'));
  const file = path.join(dir, 'geometry.csv');
  writeCsv(file, rows, columns);
  const before = fs.readFileSync(file, 'utf8');
  const df = readFrame(file);
  assert.deepEqual(df.columns, columns, 'column order from the file');
  assert.deepEqual(frameRows(df), readCsv(file));
  assert.deepEqual(frameRows(df), rows);
  assert.equal(fs.readFileSync(file, 'utf8'), before, 'the CSV is left as it is');
  // pandas-style use
  const later = df.query(df['epoch'].gt(0));
  assert.deepEqual(frameRows(later), [rows[2]]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('exp.frame(name) reads a results table; a missing one is a clear error', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-frames-exp-'));
  const exp = new Experiment(getPreset('smoke'), { out, progress: 'none' });
  assert.throws(() => exp.frame('geometry'), { name: 'InputError', message: /geometry\.csv does not exist yet/ });
  writeCsv(exp.file('geometry.csv'), rows, columns);
  assert.deepEqual(frameRows(exp.frame('geometry')), rows);
  fs.rmSync(out, { recursive: true, force: true });
});

test('frameHtml: a Jupyter-style HTML table, escaped, long tables elided in the middle', () => {
  const html = frameHtml(toFrame(rows, columns));
  assert.match(html, /<table border="1" class="dataframe">/);
  assert.match(html, /<th>capacity<\/th>/);
  assert.match(html, /<td style="text-align:right">0\.05123<\/td>/, 'numbers to 4 significant digits');
  assert.match(html, /no &lt;b&gt;fit&lt;\/b&gt;/, 'text escaped');
  assert.match(html, /3 rows × 7 columns/);
  const long: Row[] = Array.from({ length: 100 }, (_, i) => ({ i, v: i / 3 }));
  const elided = frameHtml(long, { maxRows: 10 });
  assert.equal((elided.match(/<tr><th>\d+<\/th>/g) ?? []).length, 10);
  assert.match(elided, /<th>99<\/th>/);
  assert.match(elided, /…/);
  assert.match(frameText(long, { maxRows: 4 }), /\[100 rows × 2 columns\]$/);
});
