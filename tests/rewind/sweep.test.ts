import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  initBackend,
  InputError,
  readCsv,
  REWINDING_COLUMNS,
  rewind,
  rewindCells,
  rewindSweep,
  runLayerNames,
  train,
  writeCsv,
} from 'memgeo';
import { bnRun, bnRunData as data } from './fixtures';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-rewind-sweep-'));
const main = path.join(__dirname, '..', '..', '..', 'lib', 'dist', 'cli', 'main.js');

const accuracyColumns = ['test_accuracy', 'train_unpermuted_accuracy', 'train_permuted_accuracy', 'train_restored_accuracy'];
const pick = (r: object) => Object.fromEntries(accuracyColumns.map((c) => [c, (r as Record<string, unknown>)[c]]));

test('rewindCells: single, last-L and first-L blocks with the row layer naming the block boundary', () => {
  const cells = rewindCells(['a', 'b', 'c'], ['single', 'last', 'first'], [0, 5]);
  assert.equal(cells.length, 3 * 3 * 2);
  const at0 = cells.filter((c) => c.epoch === 0).map((c) => `${c.mode}:${c.layer}:${c.layer_index}:${c.L}:${c.layers.join('+')}`);
  assert.deepEqual(at0, [
    'single:a:1:1:a',
    'single:b:2:1:b',
    'single:c:3:1:c',
    'last:c:3:1:c',
    'last:b:2:2:b+c',
    'last:a:1:3:a+b+c',
    'first:a:1:1:a',
    'first:b:2:2:a+b',
    'first:c:3:3:a+b+c',
  ]);
  assert.throws(() => rewindCells(['a'], ['middle' as never], [0]), /mode\(s\) middle unknown/);
});

test('rewindSweep: a tidy table over modes x layers x epochs, consistent with rewind() and the checkpoints', async () => {
  const run = await bnRun();
  const layers = runLayerNames(run);
  const depth = layers.length;
  const out = path.join(tmp(), 'rewinding.csv');
  const res = await rewindSweep(run, { epochs: [0, 3, 6], out, concurrency: 2, progress: 'none', data: data() });
  assert.deepEqual(res.epochs, [0, 3, 6]);
  assert.equal(res.baseEpoch, 6);
  assert.equal(res.rows.length, 3 * depth * 3);
  assert.equal(res.measured, res.rows.length);
  // per rewound epoch: depth single + (depth-1) new last blocks + (depth-2) new first blocks; one for the final epoch
  assert.equal(res.evaluations, 2 * (3 * depth - 3) + 1);
  assert.equal(fs.readFileSync(out, 'utf8').split('\n')[0], REWINDING_COLUMNS.join(','));
  const table = readCsv(out);
  assert.deepEqual(table, res.rows);
  const metrics = readCsv(path.join(run.dir, 'metrics.csv'));
  const metricAt = (e: number, split: string) => metrics.find((m) => m.epoch === e && m.split === split)!.accuracy;
  assert.notEqual(metricAt(0, 'test'), metricAt(6, 'test'), 'the fixture learns (else the comparisons prove little)');
  for (const e of [0, 3, 6]) {
    // every layer rewound = the epoch-e model, logged during training
    for (const mode of ['last', 'first']) {
      const all = table.find((r) => r.mode === mode && r.L === depth && r.epoch === e)!;
      assert.equal(all.test_accuracy, metricAt(e, 'test'), `${mode} L=${depth} epoch ${e}`);
      assert.equal(all.train_permuted_accuracy, metricAt(e, 'train_permuted'));
    }
  }
  const toFinal = table.filter((x) => x.epoch === 6);
  assert.ok(toFinal.length > 0, 'rows that rewind to the final epoch');
  for (const r of toFinal) assert.equal(r.test_accuracy, metricAt(6, 'test'), 'rewinding to the final epoch is the identity');
  // the worker path gives what rewind() gives
  for (const [mode, L, layer, set] of [
    ['single', 1, 'block2', ['block2']],
    ['last', 2, layers[depth - 2], layers.slice(depth - 2)],
    ['first', 3, layers[2], layers.slice(0, 3)],
  ] as const) {
    const row = table.find((r) => r.mode === mode && r.L === L && r.layer === layer && r.epoch === 3)!;
    assert.ok(row, `${mode} ${L} ${layer}`);
    assert.deepEqual(pick(row), pick(await rewind(run, { layers: [...set], toEpoch: 3 })), `${mode} L=${L}`);
  }
  // the sweep changes things: some rewound model differs from the final one
  assert.ok(table.some((r) => r.epoch === 0 && r.test_accuracy !== metricAt(6, 'test')));
});

test('rewindSweep is resumable: only missing rows are measured, with the same values', async () => {
  const run = await bnRun();
  const out = path.join(tmp(), 'rewinding.csv');
  const first = await rewindSweep(run, { epochs: [1, 6], modes: ['single', 'last'], out, progress: 'none', data: data() });
  const kept = first.rows.filter((r) => !(r.mode === 'last' && r.epoch === 1) && !(r.mode === 'single' && r.layer === 'block3'));
  writeCsv(out, kept, REWINDING_COLUMNS);
  const again = await rewindSweep(run, { epochs: [1, 6], modes: ['single', 'last'], out, progress: 'none', data: data() });
  assert.equal(again.measured, first.rows.length - kept.length);
  assert.deepEqual(again.rows, first.rows);
  const done = await rewindSweep(run, { epochs: [1, 6], modes: ['single', 'last'], out, progress: 'none', data: data() });
  assert.equal(done.measured, 0);
  assert.equal(done.evaluations, 0);
  // a new mode adds its rows next to the old ones
  const more = await rewindSweep(run, { epochs: [1, 6], modes: ['first'], out, progress: 'none', data: data() });
  assert.equal(more.rows.length, first.rows.length + more.measured);
  await assert.rejects(
    rewindSweep(run, { epochs: [1, 9], out, progress: 'none', data: data() }),
    (e: Error) => e instanceof InputError && /no checkpoint for epoch\(s\) 9/.test(e.message),
  );
});

test('memgeo rewind on an MNIST run: workers load the data themselves; bad flags exit 2', async () => {
  await initBackend();
  const dir = path.join(tmp(), 'mnist');
  await train(
    {
      dataset: 'mnist',
      trainSize: 100,
      testSize: 100,
      noise: { kind: 'permute', epsilon: 0.5 },
      model: { family: 'cnn', width: 0.25 },
      optimizer: { kind: 'adam', lr: 2e-3 },
      epochs: 2,
      batchSize: 50,
      seed: 0,
    },
    { out: dir, progress: 'none' },
  );
  const env = { ...process.env, MEMGEO_QUIET: '1' };
  const r = spawnSync(process.execPath, [main, 'rewind', dir, '--mode', 'last', '--epochs', '0,1', '--quiet'], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /rewinding\.csv: 12 rows \(12 measured now/);
  assert.match(r.stdout, /Test accuracy: peak [\d.]+% at epoch \d, final [\d.]+% at epoch 2/);
  const rows = readCsv(path.join(dir, 'rewinding.csv'));
  assert.deepEqual([...new Set(rows.map((x) => x.mode))], ['last']);
  assert.deepEqual([...new Set(rows.map((x) => x.L))].sort(), [1, 2, 3, 4, 5, 6]);
  const again = spawnSync(process.execPath, [main, 'rewind', dir, '--mode', 'last', '--epochs', '0,1', '--quiet'], {
    encoding: 'utf8',
    env,
  });
  assert.match(again.stdout, /12 rows \(0 measured now, 0 models evaluated/);
  for (const [args, msg] of [
    [['--mode', 'middle'], /--mode: 'middle' is not one of single, last, first/],
    [['--epochs', '0,7'], /no checkpoint for epoch\(s\) 7/],
    [['--epochs', '0', '--epoch-count', '3'], /not both/],
    [['--bogus'], /Unknown option '--bogus'/],
  ] as const) {
    const bad = spawnSync(process.execPath, [main, 'rewind', dir, ...args], { encoding: 'utf8', env });
    assert.equal(bad.status, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, msg);
  }
});
