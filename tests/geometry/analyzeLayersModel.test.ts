// Your own network: a tf.LayersModel (here a small Sequential CNN and a functional MLP) analysed layer
// by layer across the three manifold types. Saved to disk (model.save('file://…')) and reloaded, it
// gives the same geometry rows as in memory; a folder of per-epoch model.json folders is a run; bad
// input gets clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { analyzeLayersModel, initBackend, permuteLabels, readCsv, Rng, GEOMETRY_COLUMNS, type Row } from 'memgeo';

const N = 90;
const classes = 3;
const opts = { P: 3, M: 6, nT: 30, seeds: 1, projectionDim: 50 };

function data() {
  const rng = new Rng(7);
  const images = new Float32Array(N * 8 * 8);
  rng.fillNormal(images);
  const labels = Int32Array.from({ length: N }, (_, i) => i % classes);
  // class-dependent brightness so layers carry class structure
  for (let i = 0; i < N; i++)
    for (let j = 0; j < 64; j++) images[i * 64 + j] = 0.3 * images[i * 64 + j] + (labels[i] === j % classes ? 1 : 0);
  return { images, labels };
}

function cnn(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        name: 'conv',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ units: 16, activation: 'relu', name: 'hidden', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.dense({
        units: classes,
        activation: 'softmax',
        name: 'out',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      }),
    ],
  });
}

const strip = (rows: Row[]) => rows.map(({ seconds: _s, ...r }) => r);

test(
  'a LayersModel saved to disk and reloaded gives the same geometry rows as in memory; per-epoch folders are a run',
  { timeout: 120_000 },
  async () => {
    await initBackend();
    const { images, labels } = data();
    const noisy = permuteLabels(labels, 0.5, 0);
    const model = cnn();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-layers-'));
    try {
      const inMemory = await analyzeLayersModel(
        model,
        { images: tf.tensor4d(images, [N, 8, 8, 1]), labels },
        { ...opts, noisy, progress: 'none' },
      );
      assert.deepEqual(inMemory.layers, ['input', 'conv', 'flat', 'hidden', 'out'], "analysis points: input and the model's layer names");
      assert.equal(inMemory.rows.length, 5 * 3);
      assert.deepEqual([...new Set(inMemory.rows.map((r) => r.manifold))], ['unpermuted', 'permuted', 'restored']);
      for (const r of inMemory.rows) {
        assert.deepEqual(Object.keys(r).sort(), [...GEOMETRY_COLUMNS].sort(), 'geometry.csv columns');
        assert.ok(
          Number.isFinite(r.capacity) && (r.capacity as number) > 0,
          `capacity of ${r.layer}/${r.manifold}: ${r.capacity} (${r.note})`,
        );
      }
      const conv = inMemory.rows.find((r) => r.layer === 'conv')!;
      assert.equal(conv.n_features, 50, 'conv (144 features) projected to projectionDim');

      // a run: epoch-0 is this model; epoch-3 the same network after some training
      await model.save(`file://${path.join(dir, 'epoch-0')}`);
      model.compile({ optimizer: tf.train.sgd(0.5), loss: 'sparseCategoricalCrossentropy' });
      const x = tf.tensor4d(images, [N, 8, 8, 1]);
      const y = tf.tensor1d(noisy.trainLabel, 'float32');
      await model.fit(x, y, { epochs: 3, batchSize: 30, shuffle: false, verbose: 0 });
      await model.save(`file://${path.join(dir, 'epoch-3')}`);
      const file = path.join(dir, 'geometry.csv');
      const run = await analyzeLayersModel(dir, { images, labels }, { ...opts, noisy, progress: 'none', file });
      assert.deepEqual(run.epochs, [0, 3]);
      assert.deepEqual(strip(run.rows.filter((r) => r.epoch === 0)), strip(inMemory.rows), 'reloaded from disk = in memory');
      const trained = run.rows.filter((r) => r.epoch === 3);
      assert.notDeepEqual(
        strip(trained).map((r) => r.capacity),
        strip(inMemory.rows).map((r) => r.capacity),
        'the later checkpoint is a different network',
      );
      assert.equal(readCsv(file).length, run.rows.length, 'rows upserted into the table');
      // the in-memory model after training = its saved epoch-3
      const again = await analyzeLayersModel(model, { images, labels }, { ...opts, noisy, progress: 'none', epoch: 3 });
      assert.deepEqual(strip(again.rows), strip(trained));
      x.dispose();
      y.dispose();
    } finally {
      model.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('a functional model with a chosen subset of layers and a user mask; no noise → unpermuted only', { timeout: 60_000 }, async () => {
  await initBackend();
  const { images, labels } = data();
  const input = tf.input({ shape: [64] });
  const h = tf.layers.dense({ units: 12, activation: 'tanh', name: 'h1' }).apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: classes, name: 'logits' }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const noisy = permuteLabels(labels, 0.5, 1);
  const mask = await analyzeLayersModel(
    model,
    { images, labels },
    { ...opts, trainLabels: noisy.trainLabel, permuted: noisy.isPermuted, layers: ['logits', 'h1'], progress: 'none' },
  );
  assert.deepEqual(mask.layers, ['logits', 'h1']);
  assert.deepEqual(
    mask.rows.map((r) => `${r.layer}/${r.manifold}`),
    ['h1/unpermuted', 'h1/permuted', 'h1/restored', 'logits/unpermuted', 'logits/permuted', 'logits/restored'],
  );
  const recorded = await analyzeLayersModel(model, { images, labels }, { ...opts, noisy, layers: ['h1', 'logits'], progress: 'none' });
  // permuted and restored manifolds depend on the permuted group only: the same from the mask as from
  // memgeo's record (the unpermuted group of the record also leaves out examples drawn for permutation
  // whose label stayed the same by chance, which a mask cannot know)
  const noisyOnly = (rows: Row[]) => strip(rows.filter((r) => r.manifold !== 'unpermuted'));
  assert.deepEqual(noisyOnly(recorded.rows), noisyOnly(mask.rows), "the user's mask = memgeo's record of the same permutation");
  const clean = await analyzeLayersModel(model, { images, labels }, { ...opts, layers: ['h1'], progress: 'none' });
  assert.deepEqual(
    clean.rows.map((r) => r.manifold),
    ['unpermuted'],
  );
  model.dispose();
});

test('clear errors: wrong layer names, no classifier output, labels of the wrong length', async () => {
  await initBackend();
  const { images, labels } = data();
  const model = cnn();
  await assert.rejects(analyzeLayersModel(model, { images, labels }, { ...opts, layers: ['hidden', 'dense_99'] }), {
    name: 'InputError',
    message: /unknown analysis point 'dense_99'; this model's layers are: input, conv, flat, hidden, out/,
  });
  await assert.rejects(analyzeLayersModel(model, { images, labels: labels.subarray(1) }, opts), {
    name: 'InputError',
    message: /labels have 89 entries for 90 examples/,
  });
  await assert.rejects(analyzeLayersModel(model, { images, labels }, { ...opts, noisy: permuteLabels(labels.subarray(0, 60), 0.5, 0) }), {
    name: 'InputError',
    message: /covers 60 examples, the data has 90/,
  });
  const tooFew = Int32Array.from(labels, (l) => l + 2);
  await assert.rejects(analyzeLayersModel(model, { images, labels: tooFew }, opts), {
    name: 'InputError',
    message: /output has 3 classes/,
  });
  const features = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, name: 'features' })] });
  await assert.rejects(analyzeLayersModel(features, { images, labels }, opts), {
    name: 'InputError',
    message: /no classifier output: its output has shape \[batch,6,6,2\]/,
  });
  const regressor = tf.sequential({ layers: [tf.layers.dense({ inputShape: [64], units: 1, name: 'y' })] });
  await assert.rejects(analyzeLayersModel(regressor, { images, labels }, opts), { name: 'InputError', message: /no classifier output/ });
  await assert.rejects(analyzeLayersModel(model, { images, labels }, { ...opts, nt: 10 } as never), {
    name: 'InputError',
    message: /unknown option 'nt'/,
  });
  await assert.rejects(analyzeLayersModel('/nonexistent/run', { images, labels }, opts), {
    name: 'InputError',
    message: /checkpoint folder not found/,
  });
  model.dispose();
  features.dispose();
  regressor.dispose();
});
