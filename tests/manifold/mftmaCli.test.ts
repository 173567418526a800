import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeNpy, Rng } from 'memgeo';
import { goldenPath, repoRoot } from './golden';

const cli = path.join(repoRoot, 'lib', 'dist', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [cli, 'mftma', ...args], { encoding: 'utf8' });

test('memgeo mftma on a golden file prints one JSON object with the aggregates and per-manifold values', () => {
  const r = run(['--input', goldenPath('gauss_P8_M20_N50.json'), '--mode', 'faithful', '--seed', '1']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const k of ['capacity', 'radius', 'dimension', 'centerCorrelation', 'K', 'seconds']) assert.equal(typeof out[k], 'number', k);
  assert.equal(out.mode, 'faithful');
  assert.equal(out.perManifold.capacity.length, 8);
  assert.equal(out.K, 1);
  assert.ok(Math.abs(out.centerCorrelation - 0.15629860490867514) < 1e-9);
  assert.ok(Array.isArray(out.diagnostics.perManifold.centerNorm));
});

test('memgeo mftma on a .npy (P, M, N) file with --seeds reports mean and spread', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-mftma-'));
  const file = path.join(dir, 'acts.npy');
  writeNpy(file, { shape: [4, 10, 25], dtype: 'f4', data: new Rng(3).fillNormal(new Float32Array(1000)) });
  const r = run(['--input', file, '--seeds', '3', '--n-t', '50']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.seeds, [0, 1, 2]);
  assert.equal(out.spread.capacity.values.length, 3);
  assert.ok(Math.abs(out.capacity - out.spread.capacity.mean) < 1e-15);
  assert.equal(out.mode, 'stable');
});

test('memgeo mftma: bad input exits 2 with a message and no output', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-mftma-'));
  const one = path.join(dir, 'one.json');
  fs.writeFileSync(
    one,
    JSON.stringify({
      manifolds: [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    }),
  );
  const ragged = path.join(dir, 'ragged.json');
  fs.writeFileSync(
    ragged,
    JSON.stringify({
      manifolds: [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ],
    }),
  );
  const nan = path.join(dir, 'nan.json');
  fs.writeFileSync(nan, '{"manifolds": [[[1, 2], [3, 4]], [[1, 2], [3, null]]]}');
  for (const [args, msg] of [
    [['--input', one], /at least 2 manifolds/],
    [['--input', ragged], /ragged feature counts/],
    [['--input', nan], /point 1, feature 1 is not a number \(null\)/],
    [['--input', path.join(dir, 'missing.npy')], /no such file/],
    [['--input', one, '--mode', 'quick'], /--mode/],
    [[], /--input FILE is required/],
  ] as [string[], RegExp][]) {
    const r = run(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, msg);
  }
});
