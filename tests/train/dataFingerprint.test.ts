// A run records the SHA-256 of its training and test images and labels (config.json,
// run.data.fingerprint); resuming and every analysis refuse the run when the data given changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeRun, dataFingerprint, initBackend, openRun, rewindSweep, train } from 'memgeo';
import { fileSnapshot as files, syntheticRunData } from './fixtures';

const DATA = { trainCount: 24, testCount: 8, shape: [4, 4, 1] as [number, number, number], numClasses: 4, epsilon: 0.5 };
const CONFIG = {
  dataset: 'synthetic',
  trainSize: 24,
  testSize: 8,
  model: { family: 'mlp' as const, depth: 1, width: 8 },
  epochs: 2,
  batchSize: 8,
  seed: 1,
};

test('the fingerprint is recorded, matches the data, and changed pixels or labels are refused everywhere', async () => {
  await initBackend();
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-fingerprint-')), 'run');
  const data = syntheticRunData(DATA);
  await train(CONFIG, { out: dir, data, progress: 'none' });
  const stored = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).run.data.fingerprint;
  assert.deepEqual(stored, dataFingerprint(data));
  assert.equal((await openRun(dir, { data: syntheticRunData(DATA) }).loadData()).train.count, 24);

  // The same labels, one pixel changed; or the same pixels, one test label changed.
  const pixels = syntheticRunData(DATA);
  pixels.train.images[5] += 0.25;
  const labels = syntheticRunData(DATA);
  labels.test.labels[0] = (labels.test.labels[0] + 1) % 4;
  assert.notEqual(dataFingerprint(pixels).train, stored.train);
  assert.equal(dataFingerprint(pixels).test, stored.test);
  const before = files(dir);
  await assert.rejects(openRun(dir, { data: pixels }).loadData(), {
    name: 'InputError',
    message: /the training images or labels differ from the ones this run was trained on/,
  });
  await assert.rejects(openRun(dir, { data: labels }).loadData(), { name: 'InputError', message: /the test images or labels differ/ });
  await assert.rejects(train({ ...CONFIG, epochs: 3 }, { out: dir, data: pixels, progress: 'none' }), {
    name: 'InputError',
    message: /training images or labels differ/,
  });
  await assert.rejects(
    analyzeRun(openRun(dir, { data: pixels }), {
      epochs: [0],
      layers: ['fc1'],
      manifolds: ['unpermuted'],
      P: 2,
      M: 2,
      nT: 5,
      seeds: 1,
      concurrency: 1,
      progress: 'none',
    }),
    { name: 'InputError', message: /differ from the ones this run was trained on/ },
  );
  await assert.rejects(rewindSweep(openRun(dir, { data: pixels }), { epochs: [0], modes: ['last'], concurrency: 1, progress: 'none' }), {
    name: 'InputError',
    message: /differ from the ones this run was trained on/,
  });
  const after = files(dir);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [f, b] of before) assert.ok(after.get(f)!.equals(b), `${f} changed`);
});

test('a run killed before its first checkpoint does not block a corrected config; a failed fresh run leaves nothing', async () => {
  await initBackend();
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-unstarted-'));
  const dir = path.join(parent, 'run');
  await train(CONFIG, { out: dir, data: syntheticRunData(DATA), progress: 'none' });
  fs.rmSync(path.join(dir, 'checkpoints'), { recursive: true });
  // Checkpoints deleted after training: the metrics of later epochs remain, so this is a run, not an
  // unstarted one, and another config is refused rather than replacing it.
  const metrics = fs.readFileSync(path.join(dir, 'metrics.csv'));
  await assert.rejects(
    train({ ...CONFIG, model: { ...CONFIG.model, width: 6 } }, { out: dir, data: syntheticRunData(DATA), progress: 'none' }),
    { name: 'InputError', message: /holds a run with a different configuration/ },
  );
  assert.ok(fs.readFileSync(path.join(dir, 'metrics.csv')).equals(metrics));
  // What a kill during epoch 0 leaves behind: config.json (of another width), labels.csv, at most
  // epoch 0's metrics, and no checkpoint.
  fs.rmSync(path.join(dir, 'metrics.csv'));
  fs.rmSync(path.join(dir, 'epochs.csv'));
  const r = await train({ ...CONFIG, model: { ...CONFIG.model, width: 6 } }, { out: dir, data: syntheticRunData(DATA), progress: 'none' });
  assert.equal(r.resumedFrom, null);
  assert.equal(openRun(dir).config.model.width, 6);
  // A fresh run that fails after writing its config and labels, before its first checkpoint (as a
  // model too large for memory would): here a model that does not fit 4x4 images.
  const bad = path.join(parent, 'bad');
  await assert.rejects(
    train({ ...CONFIG, model: { family: 'vgg', depth: 11, width: 0.0625 } }, { out: bad, data: syntheticRunData(DATA), progress: 'none' }),
    { name: 'InputError', message: /needs 28x28 or 32x32 images/ },
  );
  assert.equal(fs.existsSync(bad), false, 'a failed fresh run leaves no folder');
});
