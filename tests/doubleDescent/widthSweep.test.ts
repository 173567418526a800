import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  defaultConcurrency,
  DOUBLE_DESCENT_COLUMNS,
  InputError,
  POINT_FILES,
  readCsv,
  resolveWidthSweepConfig,
  sweepThreads,
  widthSweep,
  type WidthSweepConfig,
} from 'memgeo';
import { nonNegativeCell } from '../tables/cells';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-dd-'));

// A tiny sweep: 1-hidden-layer MLPs of 2 and 16 units on 300 MNIST images, both noise kinds, 2 epochs.
// 300 examples with ε = 0.3 leave ~8 noisy examples per class (fewer in some), so M may be capped below 5.
const TINY: WidthSweepConfig = {
  base: {
    dataset: 'mnist',
    trainSize: 300,
    testSize: 100,
    noise: { kind: 'permute', epsilon: 0.3 },
    model: { family: 'mlp', depth: 1, width: 2 },
    optimizer: { kind: 'adam', lr: 0.01 },
    epochs: 2,
    batchSize: 50,
    seed: 0,
  },
  widths: [16, 2],
  noiseKinds: ['permute', 'symmetric'],
  analysis: { P: 10, M: 5, nT: 20, seeds: 2, projectionDim: 5000, mode: 'stable', kappa: 0 },
};

let shared: { out: string; first: Awaited<ReturnType<typeof widthSweep>> } | null = null;
async function tinySweep() {
  if (!shared) {
    const out = path.join(tmp(), 'sweep');
    shared = { out, first: await widthSweep(TINY, { out, progress: 'none', concurrency: 2 }) };
  }
  return shared;
}

test('a tiny sweep writes one tidy row per (noise kind, width, layer, manifold type) with consistent errors', async () => {
  const { out, first } = await tinySweep();
  assert.equal(first.computed, 4);
  assert.equal(first.skipped, 0);
  const rows = readCsv(path.join(out, 'double_descent.csv'));
  assert.equal(rows.length, 2 * 2 * 2 * 3, 'kinds x widths x (last hidden layer, logits) x manifold types');
  assert.deepEqual(Object.keys(rows[0]), DOUBLE_DESCENT_COLUMNS);
  assert.deepEqual([...new Set(rows.map((r) => r.noise_kind))].sort(), ['permute', 'symmetric']);
  assert.deepEqual([...new Set(rows.map((r) => r.layer))].sort(), ['fc1', 'logits']);
  assert.deepEqual([...new Set(rows.map((r) => r.manifold))].sort(), ['permuted', 'restored', 'unpermuted']);
  for (const r of rows) {
    assert.equal(r.epochs, 2);
    assert.equal(r.epsilon, 0.3);
    // 784·h + h + h·10 + 10 trainable parameters for one hidden layer of h units.
    const h = Number(r.width);
    assert.equal(r.params, 784 * h + h + h * 10 + 10);
    for (const c of ['train_error', 'train_unpermuted_error', 'train_permuted_error', 'train_restored_error', 'test_error']) {
      const e = nonNegativeCell(r, c);
      assert.ok(e <= 1, `${c} = ${e}`);
    }
    // The overall training error lies between the two groups' errors (it is their weighted mean).
    const lo = Math.min(Number(r.train_unpermuted_error), Number(r.train_permuted_error));
    const hi = Math.max(Number(r.train_unpermuted_error), Number(r.train_permuted_error));
    assert.ok(Number(r.train_error) >= lo - 1e-12 && Number(r.train_error) <= hi + 1e-12);
    assert.ok(Number(r.M) >= 2 && Number(r.M) <= 5, `M = ${r.M}`);
    if (r.note === null || r.note === '') {
      assert.ok(Number(r.capacity) > 0 && Number.isFinite(Number(r.capacity)), `capacity ${r.capacity}`);
      nonNegativeCell(r, 'capacity_std');
      assert.ok(Number(r.radius) > 0 && Number(r.dimension) > 0);
    } else {
      assert.ok(Number.isNaN(Number(r.capacity)), 'a failed analysis leaves NaN, not a number');
    }
  }
  // Within one (kind, width) every row repeats the same errors.
  const perModel = new Map<string, Set<string>>();
  for (const r of rows) {
    const k = `${r.noise_kind}|${r.width}`;
    if (!perModel.has(k)) perModel.set(k, new Set());
    perModel.get(k)!.add(`${r.train_error}|${r.test_error}|${r.params}`);
  }
  for (const s of perModel.values()) assert.equal(s.size, 1);
  // The summary and the findings were written.
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'double_descent_summary.json'), 'utf8'));
  assert.equal(summary.findings.length, 2);
  assert.equal(first.findings.find((f) => f.noiseKind === 'permute')!.errors.length, 2);
});

test('a sweep shares the cores: points at once × threads per point never exceed them, and each point records its count', async () => {
  assert.deepEqual(sweepThreads(2, 14, 2), { concurrency: 2, workers: 1 });
  assert.deepEqual(sweepThreads(2, 1, 2), { concurrency: 1, workers: 2 });
  assert.deepEqual(sweepThreads(16, 14, 16), { concurrency: 14, workers: 1 });
  assert.deepEqual(sweepThreads(4, 14, 16), { concurrency: 4, workers: 4 });
  assert.deepEqual(sweepThreads(3, 14, 2), { concurrency: 3, workers: 1 });
  const { out } = await tinySweep();
  const dirs = fs.readdirSync(out).filter((d) => fs.existsSync(path.join(out, d, 'config.json')));
  assert.equal(dirs.length, 4);
  const expected = sweepThreads(2, 4, defaultConcurrency()).workers;
  for (const d of dirs) assert.equal(JSON.parse(fs.readFileSync(path.join(out, d, 'config.json'), 'utf8')).run.workers, expected, d);
});

test('a rerun skips finished points; a point without its done-marker is recomputed from its finished run', async () => {
  const { out } = await tinySweep();
  const dir = path.join(out, 'symmetric-width16');
  const metricsBefore = fs.statSync(path.join(dir, 'metrics.csv')).mtimeMs;
  const again = await widthSweep(TINY, { out, progress: 'none' });
  assert.equal(again.computed, 0);
  assert.equal(again.skipped, 4);
  assert.equal(fs.statSync(path.join(dir, 'metrics.csv')).mtimeMs, metricsBefore, 'training was not touched');
  assert.equal(again.rows.length, 24);

  // Interrupted after training but before the analysis finished: only that point is redone, and its
  // training (complete on disk) is not repeated.
  fs.rmSync(path.join(dir, POINT_FILES.done));
  const before = readCsv(path.join(out, 'double_descent.csv')).filter((r) => r.noise_kind === 'symmetric' && r.width === 16);
  const third = await widthSweep(TINY, { out, progress: 'none' });
  assert.equal(third.computed, 1);
  assert.equal(third.skipped, 3);
  assert.equal(
    fs.statSync(path.join(dir, 'metrics.csv')).mtimeMs,
    metricsBefore,
    'finished training is resumed as complete, not retrained',
  );
  const after = readCsv(path.join(out, 'double_descent.csv')).filter((r) => r.noise_kind === 'symmetric' && r.width === 16);
  assert.deepEqual(after, before, 'the recomputed point gives the same rows (seeded analysis)');
});

test('an interrupted point resumes its training from the last checkpoint', async () => {
  const out = path.join(tmp(), 'sweep');
  const cfg: WidthSweepConfig = {
    ...TINY,
    widths: [4],
    noiseKinds: ['permute'],
    analysis: null,
    base: { ...TINY.base, epochs: 3, checkpoints: 'all' },
  };
  await widthSweep(cfg, { out, progress: 'none', keepCheckpoints: true });
  const dir = path.join(out, 'permute-width4');
  const full = readCsv(path.join(dir, 'double_descent_point.csv'));
  // Simulate a crash after epoch 2: drop the last checkpoint, its metrics and the done-marker.
  fs.rmSync(path.join(dir, POINT_FILES.done));
  fs.rmSync(path.join(dir, 'checkpoints', 'epoch-0003.ckpt'));
  const metrics = readCsv(path.join(dir, 'metrics.csv'));
  fs.writeFileSync(
    path.join(dir, 'metrics.csv'),
    [
      'epoch,split,loss,accuracy,count',
      ...metrics.filter((r) => Number(r.epoch) < 3).map((r) => `${r.epoch},${r.split},${r.loss},${r.accuracy},${r.count}`),
    ].join('\n') + '\n',
  );
  const r = await widthSweep(cfg, { out, progress: 'none' });
  assert.equal(r.computed, 1);
  assert.equal(readCsv(path.join(dir, 'metrics.csv')).filter((m) => m.split === 'test').length, 4, 'epochs 0..3 evaluated once each');
  const resumed = readCsv(path.join(dir, 'double_descent_point.csv'));
  assert.deepEqual(resumed, full, 'resumed training ends with the same errors as the uninterrupted run');
  // Without keepCheckpoints only epoch 0 and the last are left once the point is done.
  assert.deepEqual(fs.readdirSync(path.join(dir, 'checkpoints')).sort(), ['epoch-0000.ckpt', 'epoch-0003.ckpt']);
});

test('sweep configs are validated with errors that name the field', async () => {
  const out = tmp();
  const bad = async (cfg: unknown, re: RegExp) =>
    assert.rejects(
      widthSweep(cfg as WidthSweepConfig, { out, progress: 'none' }),
      (e: Error) => e instanceof InputError && re.test(e.message),
    );
  await bad({ ...TINY, widths: [] }, /widths: expected a non-empty list/);
  await bad({ ...TINY, widths: [2, 2] }, /widths repeat/);
  await bad({ ...TINY, noiseKinds: ['gaussian'] }, /noiseKinds\[0\]: must be one of permute, symmetric/);
  await bad({ ...TINY, base: { ...TINY.base, noise: { kind: 'permute', epsilon: 0 } } }, /needs label noise/);
  await bad({ ...TINY, base: { ...TINY.base, model: { family: 'resnet18', width: 4 } }, widths: [1.5] }, /widths\[0\].*integer k/);
  await bad({ ...TINY, analysis: { ...TINY.analysis, M: 1 } }, /analysis\.M: must be an integer >= 2/);
  await bad({ ...TINY, epochs: 3 }, /config\.epochs: unknown field/);
});

test('a sweep point is evaluated at its checkpoints only, unless the base config asks for every epoch', () => {
  const long = { ...TINY, base: { ...TINY.base, epochs: 100 } };
  const sparse = resolveWidthSweepConfig(long).base;
  assert.equal(sparse.evaluate, 'checkpoints');
  assert.deepEqual(sparse.checkpoints, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  assert.equal(resolveWidthSweepConfig({ ...long, base: { ...long.base, evaluate: 'all' } }).base.evaluate, 'all');
});
