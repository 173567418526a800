import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copyRun, smokeRunDir } from './fixtures';

const main = path.join(__dirname, '..', '..', '..', 'lib', 'dist', 'cli', 'main.js');
const memgeo = (...args: string[]) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, MEMGEO_QUIET: '1' } });

test('memgeo analyze: bad input exits 2 with a message naming the problem', { timeout: 120_000 }, async () => {
  const run = await smokeRunDir();
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-cli-'));
  const cases: [string[], RegExp][] = [
    [['analyze'], /expected one run directory, got 0/],
    [['analyze', empty], /is not a memgeo run directory \(no config\.json\)/],
    [['analyze', run, '--mode', 'fast'], /--mode: expected stable or faithful, got 'fast'/],
    [['analyze', run, '--epochs', 'count:1'], /--epochs count:N needs N >= 2/],
    [['analyze', run, '--epochs', 'x'], /--epochs: 'x' is not a number/],
    [['analyze', run, '--epochs', '9'], /no checkpoint for epoch\(s\) 9/],
    [['analyze', run, '--layers', 'conv9'], /unknown analysis point 'conv9'/],
    [['analyze', run, '--M', '1'], /--M: must be >= 2/],
    [['analyze', run, '--seeds', '1.5'], /--seeds: '1\.5' must be an integer/],
    [['analyze', run, '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, re] of cases) {
    const r = memgeo(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
  assert.equal(fs.existsSync(path.join(run, 'geometry.csv')), false);
});

test(
  'memgeo analyze RUN: writes geometry.csv (and simcap.csv), prints the rows, reuses them on a rerun',
  { timeout: 240_000 },
  async () => {
    const run = copyRun(await smokeRunDir());
    const args = [
      'analyze',
      run,
      '--epochs',
      '0,3',
      '--layers',
      'input,fc1',
      '--M',
      '6',
      '--n-t',
      '20',
      '--seeds',
      '2',
      '--simcap',
      '1',
      '--simcap-n-rep',
      '5',
      '--simcap-m',
      '5',
      '--progress',
      'none',
    ];
    const r = memgeo(...args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /12 cells computed, 0 already there/);
    assert.match(r.stdout, /2\/M = 0\.3333/);
    const geometryPart = r.stdout.split('simcap.csv')[0];
    assert.equal(geometryPart.split('\n').filter((l) => /^\s+[03] (input|fc1)\s/.test(l)).length, 12);
    assert.match(r.stdout, /simcap\.csv: 1 points computed/);
    const json = memgeo(...args, '--json');
    assert.equal(json.status, 0, json.stderr);
    const rows = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(rows.filter((x) => x.table === 'simcap').length, 1);
    const geo = rows.filter((x) => x.table === undefined);
    assert.equal(geo.length, 12);
    assert.deepEqual([...new Set(geo.map((x) => x.layer))], ['input', 'fc1']);
    assert.ok(geo.every((x) => x.M === 6 && x.n_seeds === 2 && x.capacity > 0));
    const rerun = memgeo(...args);
    assert.match(rerun.stdout, /0 cells computed, 12 already there/);
    fs.rmSync(run, { recursive: true, force: true });
  },
);
