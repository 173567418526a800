import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { evaluateSplits, InputError, openRun, readCsv, rewind, rewindAccuracies, rewoundModel, runLayerNames } from 'memgeo';
import { bnRun, bnRunData as data } from './fixtures';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-rewind-'));

// A small preactivation ResNet-18 (batch norm in every block) trained on synthetic data, 4 epochs.

async function weights(model: { readWeights(): Promise<Map<string, { shape: number[]; data: Float32Array }>>; dispose(): void }) {
  try {
    return await model.readWeights();
  } finally {
    model.dispose();
  }
}

test('rewinding any layers to the final epoch is the identity', async () => {
  const run = await bnRun();
  const final = run.epochs[run.epochs.length - 1];
  const before = tf.memory().numTensors;
  const layers = runLayerNames(run);
  const rewound = await weights(rewoundModel(run, { layers: [layers[2], 'logits'], toEpoch: final }));
  assert.deepEqual(rewound, await weights(run.loadModelAt(final)));
  const r = await rewind(run, { layers: [layers[2], 'logits'], toEpoch: final });
  const model = run.loadModelAt(final);
  const direct = rewindAccuracies(await evaluateSplits(model, await run.loadData()));
  model.dispose();
  assert.deepEqual(
    { ...r, metrics: undefined, layers: undefined, toEpoch: undefined, baseEpoch: undefined },
    { ...direct, metrics: undefined, layers: undefined, toEpoch: undefined, baseEpoch: undefined },
  );
  assert.equal(r.baseEpoch, final);
  assert.equal(tf.memory().numTensors, before, 'no tensors leaked');
});

test('rewinding every layer to epoch e gives the epoch-e checkpoint and its accuracies in metrics.csv', async () => {
  const run = await bnRun();
  const layers = runLayerNames(run);
  const metrics = readCsv(path.join(run.dir, 'metrics.csv'));
  for (const e of [0, 3]) {
    assert.deepEqual(await weights(rewoundModel(run, { layers, toEpoch: e })), await weights(run.loadModelAt(e)), `weights at epoch ${e}`);
    const r = await rewind(run, { layers, toEpoch: e });
    for (const m of r.metrics) {
      const logged = metrics.find((x) => x.epoch === e && x.split === m.split)!;
      assert.equal(m.accuracy, logged.accuracy, `epoch ${e} ${m.split}`);
    }
  }
  // and the final model differs from epoch 0, so the comparison above can fail
  const r0 = await weights(run.loadModelAt(0));
  const rf = await weights(run.loadModelAt(run.epochs[run.epochs.length - 1]));
  assert.notDeepEqual(r0.get('logits/kernel'), rf.get('logits/kernel'));
});

test('batch-norm scale, shift and moving statistics move with their layer, and nothing else moves', async () => {
  const run = await bnRun();
  const e = 1;
  const final = run.epochs[run.epochs.length - 1];
  const before = tf.memory().numTensors;
  const w = await weights(rewoundModel(run, { layers: ['block2'], toEpoch: e }));
  assert.equal(tf.memory().numTensors, before, 'no tensors leaked by rewinding');
  const we = await weights(run.loadModelAt(e));
  const wf = await weights(run.loadModelAt(final));
  const bn = [...w.keys()].filter((k) => k.startsWith('block2/bn'));
  assert.deepEqual(bn.map((k) => k.slice('block2/'.length)).sort(), [
    'bn1_beta',
    'bn1_gamma',
    'bn1_moving_mean',
    'bn1_moving_variance',
    'bn2_beta',
    'bn2_gamma',
    'bn2_moving_mean',
    'bn2_moving_variance',
  ]);
  for (const k of ['block2/bn1_moving_mean', 'block2/bn2_moving_variance', 'block2/bn1_gamma']) {
    assert.notDeepEqual(we.get(k), wf.get(k), `${k} changed between epoch ${e} and ${final} (else this test proves nothing)`);
  }
  for (const [k, v] of w) {
    if (k.startsWith('block2/')) assert.deepEqual(v, we.get(k), `${k} comes from epoch ${e}`);
    else assert.deepEqual(v, wf.get(k), `${k} stays final`);
  }
});

test('a missing checkpoint or an unknown layer gives a clear error', async () => {
  const run = await bnRun();
  await assert.rejects(
    rewind(run, { layers: ['logits'], toEpoch: 99 }),
    (err: Error) =>
      err instanceof InputError && /no checkpoint for epoch 99 \(toEpoch\); checkpoints: 0, 1, 2, 3, 4, 5, 6/.test(err.message),
  );
  await assert.rejects(
    rewind(run, { layers: ['fc9'], toEpoch: 1 }),
    (err: Error) =>
      err instanceof InputError && /unknown layer\(s\) fc9; this model's layers are: stem, block1, .*logits/.test(err.message),
  );
  // a checkpoint file deleted after the run was listed
  const copy = path.join(tmp(), 'copy');
  fs.cpSync(run.dir, copy, { recursive: true });
  const opened = openRun(copy, { data: data() });
  fs.rmSync(path.join(copy, 'checkpoints', 'epoch-0002.ckpt'));
  await assert.rejects(
    rewind(opened, { layers: ['logits'], toEpoch: 2 }),
    (err: Error) => err instanceof InputError && /no checkpoint for epoch 2/.test(err.message),
  );
  const reopened = openRun(copy, { data: data() });
  await assert.rejects(
    rewind(reopened, { layers: ['logits'], toEpoch: 2 }),
    (err: Error) => err instanceof InputError && /no checkpoint for epoch 2 \(toEpoch\); checkpoints: 0, 1, 3, 4, 5, 6/.test(err.message),
  );
});
