import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readCsv } from 'memgeo';
import { copyRun, smokeRunDir } from '../geometry/fixtures';

const main = path.join(__dirname, '..', '..', '..', 'lib', 'dist', 'cli', 'main.js');
const memgeo = (...args: string[]) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, MEMGEO_QUIET: '1' } });

test('memgeo probe: bad input exits 2 with a message naming the problem, and writes nothing', { timeout: 120_000 }, async () => {
  const run = copyRun(await smokeRunDir());
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-cli-'));
  const cases: [string[], RegExp][] = [
    [['probe'], /expected one run directory, got 0/],
    [['probe', empty], /is not a memgeo run directory/],
    [['probe', run, '--M', '10', '--k', '500'], /k = 500 neighbours but the fitted set has only 99/],
    [['probe', run, '--M', '10', '--layers', 'conv9'], /unknown analysis point 'conv9'/],
    [['probe', run, '--M', '10', '--metric', 'l1'], /--metric: expected cosine or euclidean, got 'l1'/],
    [['probe', run, '--M', '10', '--epochs', '9'], /no checkpoint for epoch\(s\) 9/],
    [['probe', run, '--M', '60'], /fewer than M = 60/],
    [['probe', run, '--k', '0'], /--k: must be >= 1/],
  ];
  for (const [args, re] of cases) {
    const r = memgeo(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.equal(fs.existsSync(path.join(run, 'probes.csv')), false);
});

test(
  'memgeo probe RUN: writes the tables, prints accuracies and findings; other settings are refused without --replace',
  { timeout: 240_000 },
  async () => {
    const run = copyRun(await smokeRunDir());
    const args = ['probe', run, '--epochs', '0,3', '--layers', 'input,fc1,logits', '--M', '10', '--k', '5', '--progress', 'none'];
    const r = memgeo(...args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 epoch\(s\) computed, 0 already there/);
    assert.match(r.stdout, /\*\*(held|NOT held)\*\*/);
    assert.equal(readCsv(path.join(run, 'probes.csv')).length, 2 * 3 * 3 * 3);
    assert.equal(readCsv(path.join(run, 'prediction_depth.csv')).length, 2 * 200);
    const again = memgeo(...args);
    assert.match(again.stdout, /0 epoch\(s\) computed, 2 already there/);
    const other = memgeo(...args, '--k', '7');
    assert.equal(other.status, 2);
    assert.match(other.stderr, /other settings \(k 5 → 7\).*--replace/);
    const replaced = memgeo(...args, '--k', '7', '--replace');
    assert.equal(replaced.status, 0, replaced.stderr);
    const replacedRows = readCsv(path.join(run, 'probes.csv'));
    assert.ok(replacedRows.length > 0, 'probes.csv has rows after --replace');
    assert.ok(replacedRows.every((x) => x.k === 7 || x.probe === 'linear'));
  },
);
