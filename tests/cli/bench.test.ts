// `memgeo bench` dispatch and the `train` target's output format (numbers are not asserted: speed
// belongs in benchmarks, not tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'lib', 'bin', 'memgeo.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

test('memgeo bench train --json prints one JSON line per model and worker count, with speed-up and PyTorch ratios', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-bench-'));
  const torchFile = path.join(dir, 'torch.jsonl');
  // torch_bench.py's output format: one JSON object per model and thread count.
  fs.writeFileSync(
    torchFile,
    [
      { threads: 1, model: 'mlp', train_img_s: 40000, infer_img_s: 200000 },
      { threads: 2, model: 'mlp', train_img_s: 15000, infer_img_s: 45000 },
      { threads: 1, model: 'cnn2', train_img_s: 6000, infer_img_s: 7000 },
    ]
      .map((o) => JSON.stringify(o))
      .join('\n'),
  );
  const r = run(
    'bench',
    'train',
    '--json',
    '--models',
    'mlp,cnn2',
    '--workers',
    '1,2',
    '--seconds',
    '0.2',
    '--infer-seconds',
    '0.1',
    '--torch',
    torchFile,
  );
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    rows.map((x) => [x.model, x.workers]),
    [
      ['mlp', 1],
      ['mlp', 2],
      ['cnn2', 1],
      ['cnn2', 2],
    ],
  );
  for (const row of rows) {
    assert.equal(row.backend, 'wasm');
    for (const k of [
      'train_img_s',
      'infer_img_s',
      'train_speedup',
      'infer_speedup',
      'train_img_s_median',
      'train_img_cpu_s',
      'cpu_share',
    ]) {
      assert.ok(typeof row[k] === 'number' && (row[k] as number) > 0, `${k} = ${row[k]}`);
    }
    const t1 = row.model === 'mlp' ? 40000 : 6000;
    assert.equal(row.torch_train_img_s_1t, t1);
    assert.ok(
      Math.abs((row.train_vs_torch_1t as number) - t1 / (row.train_img_s as number)) < 0.01 * (row.train_vs_torch_1t as number) + 0.01,
    );
    assert.equal(row.torch_train_img_s_2t, row.model === 'mlp' ? 15000 : null, 'null where PyTorch was not measured');
  }
  assert.equal(rows[0].train_speedup, 1);
  assert.ok(Math.abs((rows[1].train_speedup as number) - (rows[1].train_img_s as number) / (rows[0].train_img_s as number)) < 0.01);
});

test('memgeo bench rejects unknown targets and models with exit code 2', () => {
  const a = run('bench', 'nope');
  assert.equal(a.status, 2);
  assert.match(a.stderr, /unknown bench target 'nope'; one of: .*train/);
  const b = run('bench', 'train', '--models', 'resnet');
  assert.equal(b.status, 2);
  assert.match(b.stderr, /--models: unknown model 'resnet'/);
  const c = run('bench');
  assert.equal(c.status, 2);
  const d = run('bench', 'train', '--workers', '0');
  assert.equal(d.status, 2);
  assert.match(d.stderr, /--workers: 0 is not a worker count/);
});
