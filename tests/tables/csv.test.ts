import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCsv, upsertCsv, writeCsv } from 'memgeo';

test('tidy CSV round trip, numbers typed, NaN kept, upsert replaces by key', () => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-csv-')), 't.csv');
  const cols = ['epoch', 'layer', 'capacity'];
  writeCsv(f, [{ epoch: 0, layer: 'conv1', capacity: 0.04 }, { epoch: 1, layer: 'conv1', capacity: NaN }], cols);
  const rows = readCsv(f);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].capacity, 0.04);
  assert.ok(Number.isNaN(rows[1].capacity as number));
  const after = upsertCsv(f, [{ epoch: 1, layer: 'conv1', capacity: 0.5 }, { epoch: 2, layer: 'conv1', capacity: 0.6 }], cols, ['epoch', 'layer']);
  assert.equal(after.length, 3);
  assert.deepEqual(readCsv(f).map((r) => r.capacity), [0.04, 0.5, 0.6]);
  assert.throws(() => writeCsv(f, [{ epoch: 0 }], cols), /no column 'layer'/);
  assert.deepEqual(readCsv(f + '.missing'), []);
});
