import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const main = path.join(__dirname, '..', '..', '..', 'lib', 'dist', 'cli', 'main.js');
const memgeo = (...args: string[]) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, MEMGEO_QUIET: '1' } });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-cli-'));

test('memgeo train: flags and --config merge into a validated config', () => {
  const dir = tmp();
  const cfg = path.join(dir, 'cfg.json');
  fs.writeFileSync(
    cfg,
    JSON.stringify({
      dataset: 'fashion-mnist',
      epochs: 12,
      optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.5 },
      model: { family: 'vgg', depth: 11 },
    }),
  );
  const r = memgeo(
    'train',
    '--config',
    cfg,
    '--width',
    '0.25',
    '--lr',
    '0.1',
    '--noise',
    '0.2',
    '--seed',
    '4',
    '--checkpoints',
    '1-3,10',
    '--print-config',
  );
  assert.equal(r.status, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  assert.equal(c.dataset, 'fashion-mnist');
  assert.equal(c.epochs, 12);
  assert.deepEqual(c.model, { family: 'vgg', depth: 11, width: 0.25 });
  assert.deepEqual([c.optimizer.kind, c.optimizer.lr, c.optimizer.momentum], ['sgd', 0.1, 0.5]);
  assert.deepEqual(c.noise, { kind: 'permute', epsilon: 0.2 });
  assert.deepEqual([c.seed, c.dataSeed], [4, 4]);
  assert.deepEqual(c.checkpoints, [1, 2, 3, 10]);
  // --model switches family: the other family's fields are dropped, not carried over.
  const m = JSON.parse(memgeo('train', '--config', cfg, '--model', 'mlp', '--depth', '2', '--print-config').stdout);
  assert.deepEqual(m.model, { family: 'mlp', depth: 2, width: 512 });
});

test('memgeo train/eval: bad input exits 2 with a message naming the problem', () => {
  const dir = tmp();
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{"epochs": 3,');
  const invalid = path.join(dir, 'invalid.json');
  fs.writeFileSync(invalid, JSON.stringify({ optimizer: { lr: -1 } }));
  const cases: [string[], RegExp][] = [
    [['train', '--model', 'alexnet', '--print-config'], /config\.model\.family: unknown model 'alexnet'/],
    [['train', '--config', bad], /bad\.json does not parse as JSON/],
    [['train', '--config', path.join(dir, 'missing.json')], /cannot read .*missing\.json \(ENOENT\)/],
    [['train', '--config', invalid, '--print-config'], /config\.optimizer\.lr: must be > 0, got -1/],
    [['train', '--epochs', 'ten'], /--epochs: 'ten' is not a number/],
    [['train', '--bogus'], /Unknown option '--bogus'/],
    [['eval', dir], /is not a memgeo run directory \(no config\.json\)/],
    [['eval'], /expected one run directory/],
  ];
  for (const [args, re] of cases) {
    const r = memgeo(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
  }
});

test('memgeo train then eval on MNIST: resumable, refuses another config, reports a corrupt checkpoint', () => {
  const out = path.join(tmp(), 'run');
  const args = [
    'train',
    '--dataset',
    'mnist',
    '--train-size',
    '100',
    '--test-size',
    '50',
    '--model',
    'mlp',
    '--depth',
    '1',
    '--width',
    '16',
    '--epochs',
    '2',
    '--batch-size',
    '25',
    '--lr',
    '0.01',
    '--out',
    out,
    '--progress',
    'none',
  ];
  const first = memgeo(...args);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /trained 2 epoch\(s\)/);
  const cfg = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.deepEqual([cfg.dataset, cfg.trainSize, cfg.testSize, cfg.model.width, cfg.run.data.trainCount], ['mnist', 100, 50, 16, 100]);
  assert.equal(
    cfg.run.data.permutedCount > 35 && cfg.run.data.permutedCount <= 50,
    true,
    `permuted ${cfg.run.data.permutedCount} of the 50 chosen`,
  );
  const again = memgeo(...args);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /already complete/);
  const other = memgeo(...args.map((a) => (a === '0.01' ? '0.02' : a)));
  assert.equal(other.status, 2);
  assert.match(other.stderr, /different configuration[\s\S]*optimizer\.lr: 0\.01 vs 0\.02/);
  // eval reproduces the stored metrics of the last epoch.
  const ev = memgeo('eval', out, '--json');
  assert.equal(ev.status, 0, ev.stderr);
  const rows = ev.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    rows.map((r) => r.split),
    ['train_unpermuted', 'train_permuted', 'train_restored', 'test'],
  );
  const stored = fs
    .readFileSync(path.join(out, 'metrics.csv'), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('2,'));
  rows.forEach((r, i) =>
    assert.ok(Math.abs(Number(stored[i].split(',')[3]) - r.accuracy) < 1e-12, `${r.split}: ${stored[i]} vs ${r.accuracy}`),
  );
  const table = memgeo('eval', out, '--epoch', '0,2');
  assert.equal(table.status, 0, table.stderr);
  assert.equal(table.stdout.trim().split('\n').length, 2 + 8);
  const missing = memgeo('eval', out, '--epoch', '5');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no checkpoint for epoch 5 \(checkpoints: 0, 1, 2\)/);
  const ckpt = path.join(out, 'checkpoints', 'epoch-0002.ckpt');
  fs.truncateSync(ckpt, 1000);
  const corrupt = memgeo('eval', out);
  assert.equal(corrupt.status, 2);
  assert.match(corrupt.stderr, /epoch-0002\.ckpt is unusable: truncated/);
  const unknown = memgeo('train', '--dataset', 'imagenet', '--out', path.join(tmp(), 'x'));
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /config\.dataset: unknown dataset 'imagenet'; choose one of mnist/);
});
