import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  analyzeRunGradients,
  gradientGroups,
  gradientScalingRows,
  initBackend,
  InputError,
  openRun,
  readCsv,
  Rng,
  summedLayerGradients,
  train,
  writeCsv,
  GRADIENT_COLUMNS,
  SCALING_COLUMNS,
  type Row,
} from 'memgeo';
import { syntheticRunData } from '../train/fixtures';

const data = syntheticRunData({ trainCount: 60, testCount: 20, shape: [8, 8, 1], numClasses: 4, epsilon: 0.5, seed: 2 });
const config = {
  dataset: 'synthetic',
  trainSize: 60,
  testSize: 20,
  model: { family: 'cnn' as const, width: 0.25 },
  optimizer: { kind: 'adam' as const, lr: 0.01 },
  epochs: 2,
  batchSize: 16,
  seed: 1,
};

let runDir: string | null = null;
async function trainedRun(): Promise<string> {
  if (runDir) return runDir;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-grad-'));
  await train(config, { out: path.join(dir, 'run'), data, progress: 'none' });
  runDir = path.join(dir, 'run');
  return runDir;
}

test('scaling rows: one per (layer, group, part, n, draw); nested draws equal the direct summed gradient of the drawn examples', async () => {
  await initBackend();
  const dir = await trainedRun();
  const run = openRun(dir, { data });
  const model = run.loadModelAt(1);
  const groups = gradientGroups(run.noisy).filter((g) => g.group !== 'unchanged');
  const rows = gradientScalingRows(model, data.train.images, run.noisy.trainLabel, groups, 1, {
    ns: [8, 2, 4],
    draws: 2,
    seed: 9,
    batchSize: 3,
  });
  const layers = model.layerNames;
  assert.equal(rows.length, layers.length * groups.length * 3 * 3 * 2);
  assert.deepEqual([...new Set(rows.map((r) => r.n))], [2, 4, 8]);
  assert.deepEqual([...new Set(rows.map((r) => r.part))], ['total', 'label_independent', 'label_dependent']);
  assert.deepEqual([...new Set(rows.map((r) => r.reference))], ['uniform']);
  // Without a split: the total only, as before the parts existed.
  assert.equal(
    gradientScalingRows(model, data.train.images, run.noisy.trainLabel, groups, 1, { ns: [2, 4], draws: 1, seed: 9, reference: null })
      .length,
    layers.length * groups.length * 2,
  );
  const g = groups[1];
  const order = Rng.derive(9, 'gradient-scaling', g.group, 1).permutation(g.indices.length);
  const direct = summedLayerGradients(
    model,
    data.train.images,
    run.noisy.trainLabel,
    Array.from(order.subarray(0, 4), (k) => g.indices[k]),
  );
  layers.forEach((layer, k) => {
    const r = rows.find((x) => x.layer === layer && x.group === g.group && x.part === 'total' && x.n === 4 && x.draw === 1)!;
    const want = Math.sqrt(direct.sums[k].reduce((a, v) => a + v * v, 0));
    assert.ok(Math.abs(Number(r.norm) / want - 1) < 1e-4, `${layer}: ${r.norm} vs ${want}`);
  });
  assert.throws(
    () => gradientScalingRows(model, data.train.images, run.noisy.trainLabel, groups, 1, { ns: [1000], draws: 1, seed: 0 }),
    (e: Error) => e instanceof InputError && /exceeds the unpermuted group/.test(e.message),
  );
  model.dispose();
});

test('analyzeRunGradients: tidy tables over the checkpoints, resumable per epoch, same numbers after a resume', async () => {
  await initBackend();
  const dir = await trainedRun();
  const run = openRun(dir, { data });
  const groups = gradientGroups(run.noisy);
  const scaling = { ns: [2, 4, 8], draws: 2, epochs: [0, 2] };
  const first = await analyzeRunGradients(run, { scaling, data, progress: 'none', concurrency: 2 });
  const layers = ['conv1', 'conv2', 'conv3', 'conv4', 'fc1', 'logits'];
  assert.deepEqual(first.computed, { gradients: [0, 1, 2], scaling: [0, 2] });
  assert.equal(first.gradients.length, 3 * layers.length * (groups.length + 1) * 3);
  assert.deepEqual(Object.keys(first.gradients[0]), GRADIENT_COLUMNS);
  const groupNames = [...new Set(first.gradients.map((r) => r.group))].sort();
  assert.deepEqual(groupNames, [...groups.map((g) => g.group), 'full'].sort());
  assert.equal(first.scaling.length, 2 * layers.length * 2 * 3 * 2 * 3);
  assert.deepEqual(Object.keys(first.scaling[0]), ['epoch', 'layer', 'layer_index', 'group', 'part', 'reference', 'n', 'draw', 'norm']);
  assert.equal(first.slopes.length, 2 * layers.length * 2 * 3);
  assert.deepEqual([...new Set(first.slopes.map((r) => r.part))], ['total', 'label_independent', 'label_dependent']);
  for (const f of Object.values(first.files)) assert.ok(fs.existsSync(f), f);
  for (const r of first.gradients) {
    assert.ok(Number(r.grad_norm) > 0 && Number.isFinite(Number(r.grad_norm)), 'positive norms');
    assert.ok(Number(r.contribution_norm) <= Number(r.grad_norm) + 1e-12);
  }
  // Nothing to do on a second call.
  const again = await analyzeRunGradients(run, { scaling, data, progress: 'none' });
  assert.deepEqual(again.computed, { gradients: [], scaling: [] });
  // Interrupted after some epochs: drop epoch 1 from gradients.csv and epoch 2's draw 1 from the scaling table.
  writeCsv(
    first.files.gradients,
    first.gradients.filter((r) => r.epoch !== 1),
    GRADIENT_COLUMNS,
  );
  writeCsv(
    first.files.scaling,
    first.scaling.filter((r) => !(r.epoch === 2 && r.draw === 1 && r.part === 'label_dependent')),
    SCALING_COLUMNS,
  );
  // No `data` option: the run was opened with its in-memory data, which is handed to the workers.
  const resumed = await analyzeRunGradients(run, { scaling, progress: 'none', concurrency: 1 });
  assert.deepEqual(resumed.computed, { gradients: [1], scaling: [2] });
  assert.equal(resumed.gradients.length, first.gradients.length);
  const near = (a: Row[], b: Row[], col: string) =>
    a.forEach((r, i) =>
      assert.ok(Math.abs(Number(r[col]) - Number(b[i][col])) <= 1e-6 * Math.abs(Number(b[i][col])) + 1e-12, `${col} row ${i}`),
    );
  near(resumed.gradients, first.gradients, 'grad_norm');
  near(resumed.scaling, first.scaling, 'norm');
  assert.deepEqual(
    readCsv(first.files.gradients).map((r) => `${r.epoch}|${r.layer}|${r.group}|${r.part}`),
    first.gradients.map((r) => `${r.epoch}|${r.layer}|${r.group}|${r.part}`),
  );
  // Another reference distribution than the tables hold is refused, nothing is touched.
  const before = fs.readFileSync(first.files.gradients, 'utf8');
  await assert.rejects(
    analyzeRunGradients(run, { scaling, reference: 'class_frequencies', progress: 'none' }),
    (e: Error) => e instanceof InputError && /split with reference 'uniform', not 'class_frequencies'/.test(e.message),
  );
  assert.equal(fs.readFileSync(first.files.gradients, 'utf8'), before);
  // A table written before the split (no part/reference columns) is recomputed with the parts; its totals are the same.
  const legacy = first.gradients.filter((r) => r.part === 'total').map(({ part: _p, reference: _r, ...rest }) => rest);
  fs.rmSync(first.files.gradients);
  writeCsv(first.files.gradients, legacy, Object.keys(legacy[0]));
  const redone = await analyzeRunGradients(run, { scaling, progress: 'none' });
  assert.deepEqual(redone.computed.gradients, [0, 1, 2]);
  near(redone.gradients, first.gradients, 'grad_norm');
  assert.deepEqual(
    redone.gradients.map((r) => r.part),
    first.gradients.map((r) => r.part),
  );
  // Bad epochs are refused before any work.
  await assert.rejects(analyzeRunGradients(run, { epochs: [5], data, progress: 'none' }), /no checkpoint for epoch\(s\) 5/);
  await assert.rejects(
    analyzeRunGradients(run, { scaling: { ns: [2, 100], draws: 1, epochs: [0] }, data, progress: 'none' }),
    /n = 100 exceeds/,
  );
});

test('memgeo gradients: usage errors exit 2 with a message', () => {
  const main = path.join(__dirname, '..', '..', '..', 'lib', 'dist', 'cli', 'main.js');
  const memgeo = (...args: string[]) =>
    spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env: { ...process.env, MEMGEO_QUIET: '1' } });
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-grad-cli-'));
  const cases: [string[], RegExp][] = [
    [['gradients'], /expected one run directory, got 0/],
    [['gradients', empty], /not a memgeo run directory/],
    [['gradients', empty, '--draws', '0'], /--draws: must be >= 1/],
    [['gradients', empty, '--reference', 'flat'], /--reference: unknown 'flat'; choose one of uniform, class_frequencies/],
    [['gradients', empty, '--reference', 'uniform', '--no-split'], /exclude each other/],
  ];
  for (const [args, pattern] of cases) {
    const r = memgeo(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
  }
  const help = memgeo('gradients', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /gradient_scaling\.csv/);
  assert.match(help.stdout, /label_dependent/);
});
