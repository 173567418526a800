// `memgeo bench` dispatch and the `train` target's output format (numbers are not asserted: speed
// belongs in benchmarks, not tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const bin = path.join(root, 'lib', 'bin', 'memgeo.js');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

test('memgeo bench train --json prints one JSON line per model with the documented fields', () => {
  const r = run('bench', 'train', '--json', '--models', 'mlp,cnn2', '--seconds', '0.2', '--infer-seconds', '0.1');
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(rows.map((x) => x.model), ['mlp', 'cnn2']);
  for (const row of rows) {
    assert.equal(row.backend, 'wasm');
    for (const k of ['train_img_s', 'infer_img_s', 'train_gap_vs_torch_1t', 'train_img_s_median', 'train_img_cpu_s', 'cpu_share']) {
      assert.ok(typeof row[k] === 'number' && (row[k] as number) > 0, `${k} = ${row[k]}`);
    }
    assert.equal(row.torch_train_img_s_1t, row.model === 'mlp' ? 39859 : 5835);
  }
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
});
