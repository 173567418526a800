import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCsv, upsertCsv, writeCsv } from 'memgeo';

test('tidy CSV round trip, numbers typed, NaN kept, upsert replaces by key', () => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-csv-')), 't.csv');
  const cols = ['epoch', 'layer', 'capacity'];
  writeCsv(
    f,
    [
      { epoch: 0, layer: 'conv1', capacity: 0.04 },
      { epoch: 1, layer: 'conv1', capacity: NaN },
    ],
    cols,
  );
  const rows = readCsv(f);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].capacity, 0.04);
  assert.ok(Number.isNaN(rows[1].capacity as number));
  const after = upsertCsv(
    f,
    [
      { epoch: 1, layer: 'conv1', capacity: 0.5 },
      { epoch: 2, layer: 'conv1', capacity: 0.6 },
    ],
    cols,
    ['epoch', 'layer'],
  );
  assert.equal(after.length, 3);
  assert.deepEqual(
    readCsv(f).map((r) => r.capacity),
    [0.04, 0.5, 0.6],
  );
  assert.throws(() => writeCsv(f, [{ epoch: 0 }], cols), /no column 'layer'/);
  assert.deepEqual(readCsv(f + '.missing'), []);
});

test('a damaged table is an InputError naming the file and the remedy; a foreign file is never overwritten', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-csv-'));
  const f = path.join(dir, 'geometry.csv');
  const cols = ['epoch', 'layer', 'capacity'];
  writeCsv(
    f,
    [
      { epoch: 0, layer: 'conv1', capacity: 0.04 },
      { epoch: 1, layer: 'conv1', capacity: 0.05 },
    ],
    cols,
  );
  const good = fs.readFileSync(f, 'utf8');
  const damaged = (text: string, re: RegExp, remedy?: string) => {
    fs.writeFileSync(f, text);
    assert.throws(() => readCsv(f, { columns: cols, remedy }), { name: 'InputError', message: re });
    // Writers read before they write: the damaged file stays as it is.
    assert.throws(() => upsertCsv(f, [{ epoch: 2, layer: 'conv1', capacity: 0.1 }], cols, ['epoch', 'layer']), { name: 'InputError' });
    assert.equal(fs.readFileSync(f, 'utf8'), text);
  };
  damaged('', /geometry\.csv is damaged: the file is empty; delete it and rerun the command to recompute it/);
  damaged(
    good.replace('epoch,layer,capacity', 'junk'),
    /geometry\.csv is damaged: its header lacks epoch, layer, capacity \(header: junk\)/,
  );
  damaged(good.slice(0, -3), /geometry\.csv is damaged: it does not end with a newline/);
  damaged(good + '2,conv1\n', /a row with another number of fields than the header's 3 at line 4/, 'do this');
  damaged('epoch,layer,capacity\n0,a\n', /; do this$|number of fields/, 'do this');
  // Without columns (any CSV) an empty file is still an error, a missing one still an empty table.
  fs.writeFileSync(f, '\n');
  assert.throws(() => readCsv(f), { name: 'InputError', message: /is empty/ });
  // writeCsv replaces only a table with its own header.
  const mine = path.join(dir, 'mine.csv');
  fs.writeFileSync(mine, 'name,grade\nada,1\n');
  assert.throws(() => writeCsv(mine, [], cols), { name: 'InputError', message: /mine\.csv exists and is not a table written by memgeo/ });
  assert.equal(fs.readFileSync(mine, 'utf8'), 'name,grade\nada,1\n');
  fs.writeFileSync(f, good);
  writeCsv(f, [{ epoch: 5, layer: 'fc', capacity: 1 }], cols);
  assert.deepEqual(
    readCsv(f, { columns: cols }).map((r) => r.epoch),
    [5],
  );
});
