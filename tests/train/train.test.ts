import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CheckpointError,
  evaluateSplits,
  InputError,
  initBackend,
  listCheckpointEpochs,
  openRun,
  readCheckpoint,
  readCsv,
  train,
  type EpochReport,
} from 'memgeo';
import { SMALL_RUN, syntheticRunData } from './fixtures';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-train-'));
const data = () => syntheticRunData(SMALL_RUN.data);
const child = path.join(__dirname, 'trainChild.js');

function finalWeights(dir: string, epoch = SMALL_RUN.config.epochs) {
  return readCheckpoint(path.join(dir, 'checkpoints', `epoch-${String(epoch).padStart(4, '0')}.ckpt`)).weights;
}

function metricsWithoutTiming(dir: string) {
  return readCsv(path.join(dir, 'metrics.csv'));
}

// One uninterrupted reference run, shared by the tests below.
let reference: string | null = null;
async function referenceRun(): Promise<string> {
  if (!reference) {
    reference = path.join(tmp(), 'ref');
    await train(SMALL_RUN.config, { out: reference, data: data(), progress: 'none' });
  }
  return reference;
}

test('a run directory holds config, labels, tidy metrics for four splits, and a checkpoint per epoch', async () => {
  await initBackend();
  const before = tf.memory().numTensors;
  const dir = path.join(tmp(), 'run');
  const reports: EpochReport[] = [];
  const d = data();
  const result = await train(
    { ...SMALL_RUN.config, model: { family: 'mlp', depth: 2, width: 16 } },
    { out: dir, data: d, progress: 'none', onEpoch: (r) => reports.push(r) },
  );
  assert.equal(tf.memory().numTensors, before, 'no tensors leaked by training');
  assert.deepEqual(
    reports.map((r) => r.epoch),
    [0, 1, 2, 3, 4],
  );
  assert.equal(result.resumedFrom, null);
  assert.deepEqual(listCheckpointEpochs(dir), [0, 1, 2, 3, 4]);
  const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  assert.equal(cfg.run.backend, tf.getBackend());
  assert.equal(cfg.optimizer.lr, 0.01);
  assert.equal(
    cfg.run.data.permutedCount,
    d.noisy.isPermuted.reduce((a, v) => a + v, 0),
  );
  const metrics = readCsv(path.join(dir, 'metrics.csv'));
  assert.equal(metrics.length, 5 * 4);
  assert.deepEqual(Object.keys(metrics[0]), ['epoch', 'split', 'loss', 'accuracy', 'count']);
  assert.deepEqual(
    metrics.filter((r) => r.epoch === 2).map((r) => r.split),
    ['train_unpermuted', 'train_permuted', 'train_restored', 'test'],
  );
  const byEpoch = metrics.filter((r) => r.split === 'train_unpermuted').map((r) => r.loss as number);
  assert.ok(byEpoch[4] < byEpoch[0], `unpermuted loss fell: ${byEpoch}`);
  const labels = readCsv(path.join(dir, 'labels.csv'));
  assert.equal(labels.length, 48 + 16);
  assert.deepEqual(
    labels.filter((r) => r.split === 'train').map((r) => r.train_label),
    Array.from(d.noisy.trainLabel),
  );
  assert.deepEqual(
    labels.filter((r) => r.split === 'train').map((r) => r.is_permuted),
    Array.from(d.noisy.isPermuted),
  );
  assert.ok(!fs.existsSync(path.join(dir, 'run.lock')), 'lock released');
});

test('same seed and backend give identical weights at every epoch; another seed does not', async () => {
  const ref = await referenceRun();
  const again = path.join(tmp(), 'again');
  await train(SMALL_RUN.config, { out: again, data: data(), progress: 'none' });
  for (const e of [0, 2, 4]) assert.deepEqual(finalWeights(again, e), finalWeights(ref, e), `epoch ${e}`);
  assert.deepEqual(metricsWithoutTiming(again), metricsWithoutTiming(ref));
  const other = path.join(tmp(), 'other');
  await train({ ...SMALL_RUN.config, seed: 4, epochs: 1 }, { out: other, data: data(), progress: 'none' });
  assert.notDeepEqual(finalWeights(other, 1).get('block1/conv1_kernel'), finalWeights(ref, 1).get('block1/conv1_kernel'));
});

test('killed with SIGKILL after epoch 2 and started again, a run ends with the uninterrupted weights', async () => {
  const ref = await referenceRun();
  const dir = path.join(tmp(), 'crash');
  const first = spawnSync(process.execPath, [child, dir, '2'], { encoding: 'utf8', env: process.env });
  assert.equal(first.signal, 'SIGKILL', first.stderr);
  assert.deepEqual(listCheckpointEpochs(dir), [0, 1, 2]);
  assert.ok(fs.existsSync(path.join(dir, 'run.lock')), 'the killed process left its lock behind');
  // What a kill in the middle of writing epoch 3 would leave: a temporary file, never a partial checkpoint.
  const stale = path.join(dir, 'checkpoints', '.epoch-0003.ckpt.tmp-999-1-abc');
  fs.writeFileSync(stale, Buffer.alloc(100));
  const second = spawnSync(process.execPath, [child, dir, '-1'], { encoding: 'utf8', env: process.env });
  assert.equal(second.status, 0, second.stderr);
  assert.ok(!fs.existsSync(stale), 'stale temporary removed');
  assert.deepEqual(listCheckpointEpochs(dir), [0, 1, 2, 3, 4]);
  for (const e of [3, 4]) assert.deepEqual(finalWeights(dir, e), finalWeights(ref, e), `epoch ${e}`);
  assert.deepEqual(metricsWithoutTiming(dir), metricsWithoutTiming(ref));
});

test('a truncated newest checkpoint stops the resume naming the file; with fallback the run resumes from the previous one', async () => {
  const ref = await referenceRun();
  const dir = path.join(tmp(), 'trunc');
  // Train 3 of the 4 epochs (a constant schedule lets `epochs` grow on resume).
  await train({ ...SMALL_RUN.config, epochs: 3 }, { out: dir, data: data(), progress: 'none' });
  const last = path.join(dir, 'checkpoints', 'epoch-0003.ckpt');
  const bytes = fs.readFileSync(last);
  fs.writeFileSync(last, bytes.subarray(0, bytes.length - 1000));
  await assert.rejects(train(SMALL_RUN.config, { out: dir, data: data(), progress: 'none' }), (e: Error) => {
    assert.ok(e instanceof CheckpointError, e.message);
    assert.match(e.message, /epoch-0003\.ckpt is unusable: truncated.*--fallback.*epoch 2/);
    return true;
  });
  const result = await train(SMALL_RUN.config, { out: dir, data: data(), progress: 'none', fallback: true });
  assert.equal(result.resumedFrom, 2);
  assert.ok(fs.existsSync(`${last}.corrupt`), 'the bad file is kept aside');
  assert.deepEqual(finalWeights(dir, 4), finalWeights(ref, 4));
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).epochs, 4);
});

test('an existing run with a different config or backend is refused, naming the fields', async () => {
  const ref = await referenceRun();
  const changed = { ...SMALL_RUN.config, optimizer: { kind: 'adam' as const, lr: 0.02 }, batchSize: 8 };
  await assert.rejects(train(changed, { out: ref, data: data(), progress: 'none' }), (e: Error) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /different configuration/);
    assert.match(e.message, /batchSize: 16 vs 8/);
    assert.match(e.message, /optimizer\.lr: 0\.01 vs 0\.02/);
    return true;
  });
  // Resuming a finished run with the same config trains nothing.
  const same = await train(SMALL_RUN.config, { out: ref, data: data(), progress: 'none' });
  assert.equal(same.epochsTrained, 0);
  const dir = path.join(tmp(), 'backend');
  await train({ ...SMALL_RUN.config, epochs: 1 }, { out: dir, data: data(), progress: 'none' });
  const cfgFile = path.join(dir, 'config.json');
  const cfg = JSON.parse(fs.readFileSync(cfgFile, 'utf8'));
  cfg.run.backend = 'tensorflow';
  fs.writeFileSync(cfgFile, JSON.stringify(cfg));
  await assert.rejects(
    train({ ...SMALL_RUN.config, epochs: 1 }, { out: dir, data: data(), progress: 'none' }),
    /backend: "tensorflow" vs .*MEMGEO_BACKEND=tensorflow/,
  );
  const notRun = tmp();
  fs.writeFileSync(path.join(notRun, 'notes.txt'), 'mine');
  await assert.rejects(train(SMALL_RUN.config, { out: notRun, data: data(), progress: 'none' }), /not empty and holds no memgeo run/);
});

test('openRun: checkpoints, labels, and models that reproduce the stored metrics', async () => {
  const ref = await referenceRun();
  const d = data();
  const run = openRun(ref, { data: d });
  assert.deepEqual(run.epochs, [0, 1, 2, 3, 4]);
  assert.deepEqual(run.noisy.trainLabel, d.noisy.trainLabel);
  assert.deepEqual(run.noisy.isPermuted, d.noisy.isPermuted);
  assert.equal(run.config.model.family, 'resnet18');
  const tests = run.metrics().filter((r) => r.split === 'test');
  const peak = run.peakTestEpoch()!;
  assert.equal(peak.accuracy, Math.max(...tests.map((r) => r.accuracy as number)));
  assert.equal(peak.epoch, tests.find((r) => r.accuracy === peak.accuracy)!.epoch);
  const before = tf.memory().numTensors;
  for (const e of [0, 3]) {
    const model = run.loadModelAt(e);
    const got = await evaluateSplits(model, await run.loadData());
    const stored = run.metrics().filter((r) => r.epoch === e);
    for (const m of got) {
      const s = stored.find((r) => r.split === m.split)!;
      assert.ok(
        Math.abs((s.accuracy as number) - m.accuracy) < 1e-12 && Math.abs((s.loss as number) - m.loss) < 1e-9,
        `epoch ${e} ${m.split}`,
      );
    }
    model.dispose();
  }
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => run.loadModelAt(9), /no checkpoint for epoch 9 \(checkpoints: 0, 1, 2, 3, 4\)/);
  assert.throws(() => openRun(tmp()), /not a memgeo run directory/);
  await assert.rejects(openRun(ref).loadData(), /trained on in-memory data 'synthetic'.*openRun\(dir, \{ data \}\)/);
});

test('with augmentation, SGD momentum and a step schedule, an extended run equals a direct one', async () => {
  const cfg = {
    ...SMALL_RUN.config,
    model: { family: 'mlp' as const, depth: 1, width: 8 },
    optimizer: { kind: 'sgd' as const, lr: 0.05, momentum: 0.9, weightDecay: 1e-3 },
    schedule: { kind: 'step' as const, every: 1, gamma: 0.5 },
    augment: { crop: 1, flip: true },
    epochs: 3,
  };
  const direct = path.join(tmp(), 'direct');
  await train(cfg, { out: direct, data: data(), progress: 'none' });
  const staged = path.join(tmp(), 'staged');
  await train({ ...cfg, epochs: 1 }, { out: staged, data: data(), progress: 'none' });
  const r = await train(cfg, { out: staged, data: data(), progress: 'none' });
  assert.equal(r.resumedFrom, 1);
  assert.deepEqual(finalWeights(staged, 3), finalWeights(direct, 3));
  const epochs = readCsv(path.join(direct, 'epochs.csv'));
  assert.deepEqual(
    epochs.map((e) => e.lr),
    [0.05, 0.05, 0.025, 0.0125],
  );
  const plain = path.join(tmp(), 'plain');
  await train({ ...cfg, augment: { crop: 0, flip: false } }, { out: plain, data: data(), progress: 'none' });
  assert.notDeepEqual(finalWeights(plain, 3).get('fc1/kernel'), finalWeights(direct, 3).get('fc1/kernel'), 'augmentation changes training');
});

test("evaluate 'checkpoints': metrics only at the checkpointed epochs, the same weights and rows as evaluating every epoch", async () => {
  const ref = await referenceRun();
  const dir = path.join(tmp(), 'sparse-eval');
  const reports: EpochReport[] = [];
  const config = { ...SMALL_RUN.config, checkpoints: [2], evaluate: 'checkpoints' as const };
  const result = await train(config, { out: dir, data: data(), progress: 'none', onEpoch: (r) => reports.push(r) });
  const epochs = (rows: Record<string, unknown>[]) => [...new Set(rows.map((r) => Number(r.epoch)))];
  assert.deepEqual(epochs(metricsWithoutTiming(dir)), [0, 2, 4]);
  assert.deepEqual(
    reports.filter((r) => r.metrics.length > 0).map((r) => r.epoch),
    [0, 2, 4],
    'epochs 1 and 3 are reported without metrics',
  );
  assert.deepEqual(finalWeights(dir), finalWeights(ref));
  const keep = (rows: Record<string, unknown>[]) => rows.filter((r) => [0, 2, 4].includes(Number(r.epoch)));
  assert.deepEqual(metricsWithoutTiming(dir), keep(metricsWithoutTiming(ref)));
  assert.deepEqual(
    result.final.map((m) => m.split),
    keep(metricsWithoutTiming(ref))
      .filter((r) => Number(r.epoch) === 4)
      .map((r) => r.split),
  );
  // A resume (here: the run extended by two epochs) does not try to rebuild the epochs never evaluated.
  const extended = await train({ ...config, epochs: 6 }, { out: dir, data: data(), progress: 'none' });
  assert.equal(extended.resumedFrom, 4);
  assert.deepEqual(epochs(metricsWithoutTiming(dir)), [0, 2, 4, 6]);
  await assert.rejects(
    train({ ...config, evaluate: 'sometimes' as never }, { out: path.join(tmp(), 'bad'), data: data() }),
    /config\.evaluate/,
  );
});
