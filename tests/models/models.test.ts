import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { copyLayers, createModel, crossEntropy, initBackend, InputError, Optimizer, resolveModelSpec, type ModelSpec } from 'memgeo';
import { syntheticSplit } from '../train/fixtures';

test('each family: logits shape, ordered analysis points and their feature counts', async () => {
  await initBackend();
  const cases: { spec: ModelSpec; shape: [number, number, number]; points: Record<string, number> }[] = [
    { spec: { family: 'mlp', depth: 3, width: 7 }, shape: [5, 5, 2], points: { input: 50, fc1: 7, fc2: 7, fc3: 7, logits: 10 } },
    // docs/small-scale.md's CNN at width 1 on MNIST: conv16-pool-conv32-conv32-pool-conv64-fc256-fc10.
    {
      spec: { family: 'cnn', width: 1 },
      shape: [28, 28, 1],
      points: { input: 784, conv1: 14 * 14 * 16, conv2: 14 * 14 * 32, conv3: 7 * 7 * 32, conv4: 7 * 7 * 64, fc1: 256, logits: 10 },
    },
    {
      spec: { family: 'cnn', width: 0.5 },
      shape: [32, 32, 3],
      points: { input: 3072, conv1: 16 * 16 * 8, conv2: 16 * 16 * 16, conv3: 8 * 8 * 16, conv4: 8 * 8 * 32, fc1: 128, logits: 10 },
    },
    {
      spec: { family: 'resnet18', width: 2 },
      shape: [32, 32, 3],
      points: {
        input: 3072,
        stem: 32 * 32 * 2,
        block1: 2048,
        block2: 2048,
        block3: 16 * 16 * 4,
        block4: 1024,
        block5: 8 * 8 * 8,
        block6: 512,
        block7: 4 * 4 * 16,
        block8: 256,
        pool: 16,
        logits: 10,
      },
    },
  ];
  for (const c of cases) {
    const model = createModel(c.spec, c.shape, 10, 0);
    assert.deepEqual(model.analysisPoints, Object.keys(c.points), `${c.spec.family} points`);
    const x = tf.randomUniform([3, ...c.shape]) as tf.Tensor4D;
    const logits = model.forward(x);
    assert.deepEqual(logits.shape, [3, 10]);
    const acts = model.forwardPoints(x, model.analysisPoints);
    for (const [p, n] of Object.entries(c.points)) assert.deepEqual(acts.get(p)!.shape, [3, n], `${c.spec.family} ${p}`);
    assert.deepEqual(await acts.get('logits')!.data(), await logits.data(), 'logits point = forward()');
    tf.dispose([x, logits, ...acts.values()]);
    model.dispose();
  }
});

test('vgg 11/13/16: conv counts, 28x28 padded to 32x32, 1x1 map before the classifier', async () => {
  await initBackend();
  for (const [depth, convs] of [
    [11, 8],
    [13, 10],
    [16, 13],
  ] as const) {
    for (const shape of [
      [28, 28, 1],
      [32, 32, 3],
    ] as [number, number, number][]) {
      const model = createModel({ family: 'vgg', depth, width: 1 / 16 }, shape, 10, 0);
      const expected = ['input', ...Array.from({ length: convs }, (_, i) => `conv${i + 1}`), 'fc1', 'fc2', 'logits'];
      assert.deepEqual(model.analysisPoints, expected);
      const x = tf.zeros([2, ...shape]) as tf.Tensor4D;
      const acts = model.forwardPoints(x, [`conv1`, `conv${convs}`, 'fc1', 'logits']);
      // conv1 of VGG-16/13 is followed by a conv (32x32x4 map); VGG-11's by a pool (16x16x4).
      assert.equal(acts.get('conv1')!.shape[1], depth === 11 ? 16 * 16 * 4 : 32 * 32 * 4);
      assert.equal(acts.get(`conv${convs}`)!.shape[1], 32, 'last conv: 1x1x(512/16)');
      assert.deepEqual(acts.get('fc1')!.shape, [2, 32]);
      assert.deepEqual(acts.get('logits')!.shape, [2, 10]);
      // Layers with parameters: every conv (kernel + 4 batch-norm tensors), fc1, fc2, logits.
      assert.equal(model.layerParams('conv2').length, 5);
      assert.deepEqual(
        model.layerParams('conv2').map((p) => p.role),
        ['kernel', 'gamma', 'beta', 'moving_mean', 'moving_variance'],
      );
      tf.dispose([x, ...acts.values()]);
      model.dispose();
    }
  }
  const std = createModel({ family: 'vgg', depth: 16, width: 1 }, [32, 32, 3], 10, 0);
  // VGG-16 conv kernels (14,710,464, no conv bias since BN follows) + BN scale and shift (8,448)
  // + fc 512*512+512, 512*512+512, 512*10+10.
  assert.equal(std.numTrainable, 14710464 + 8448 + 262656 + 262656 + 5130);
  std.dispose();
  const r18 = createModel({ family: 'resnet18', width: 64 }, [32, 32, 3], 10, 0);
  // kuangliu PreActResNet18 on CIFAR-10: 11,171,146 trainable parameters.
  assert.equal(r18.numTrainable, 11171146);
  r18.dispose();
});

test('bad specs get errors that name the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ family: 'alexnet' }, /model\.family: unknown model 'alexnet'.*mlp, cnn, vgg, resnet18/],
    [{ family: 'vgg', depth: 12 }, /model\.depth: must be one of 11, 13, 16/],
    [{ family: 'mlp', width: 2.5 }, /model\.width: must be an integer number of units in 1\.\.16384/],
    [{ family: 'cnn', width: 0 }, /model\.width/],
    [{ family: 'resnet18', width: 3, depth: 18 }, /model\.depth: not a field of model 'resnet18'/],
  ];
  for (const [spec, re] of cases)
    assert.throws(
      () => resolveModelSpec(spec),
      (e: Error) => e instanceof InputError && re.test(e.message),
      JSON.stringify(spec),
    );
  assert.throws(() => createModel({ family: 'vgg' }, [16, 16, 3], 10, 0), /vgg' needs 28x28 or 32x32/);
  assert.throws(() => createModel('mlp', [8, 8, 1], 1, 0), /numClasses must be an integer >= 2/);
  assert.deepEqual(resolveModelSpec('resnet18'), { family: 'resnet18', width: 64 });
});

test('initialization: same seed gives the same weights, another seed different ones', async () => {
  await initBackend();
  const a = createModel({ family: 'cnn', width: 0.25 }, [12, 12, 1], 10, 7);
  const b = createModel({ family: 'cnn', width: 0.25 }, [12, 12, 1], 10, 7);
  const c = createModel({ family: 'cnn', width: 0.25 }, [12, 12, 1], 10, 8);
  const [wa, wb, wc] = await Promise.all([a.readWeights(), b.readWeights(), c.readWeights()]);
  for (const [name, v] of wa) assert.deepEqual(v.data, wb.get(name)!.data, name);
  assert.notDeepEqual(wa.get('conv1/kernel')!.data, wc.get('conv1/kernel')!.data);
  // PyTorch default bound 1/sqrt(fan_in) for a 3x3x1 kernel.
  assert.ok(Math.max(...wa.get('conv1/kernel')!.data.map(Math.abs)) <= 1 / 3);
  [a, b, c].forEach((m) => m.dispose());
});

test('a few optimizer steps lower the loss on every family (tiny widths)', async () => {
  await initBackend();
  const specs: [ModelSpec, [number, number, number]][] = [
    [{ family: 'mlp', depth: 2, width: 16 }, [8, 8, 1]],
    [{ family: 'cnn', width: 0.25 }, [8, 8, 1]],
    [{ family: 'vgg', depth: 11, width: 1 / 32 }, [28, 28, 1]],
    [{ family: 'vgg', depth: 16, width: 1 / 32 }, [32, 32, 1]],
    [{ family: 'resnet18', width: 1 }, [8, 8, 1]],
  ];
  for (const [spec, shape] of specs) {
    const split = syntheticSplit(16, shape, 4, 3);
    const model = createModel(spec, shape, 4, 0);
    const opt = new Optimizer(
      { kind: 'adam', lr: 0.01, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
      model.params,
    );
    const x = tf.tensor4d(split.images, [16, ...shape]);
    const y = tf.tensor1d(split.labels, 'int32');
    const lossNow = () => tf.tidy(() => crossEntropy(model.forward(x, true), y, 4).dataSync()[0]);
    const before = lossNow();
    for (let i = 0; i < 10; i++) {
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.forward(x, true), y, 4), model.trainableVariables);
      opt.apply(grads, 0.01);
      tf.dispose([value, grads]);
    }
    const after = lossNow();
    assert.ok(after < 0.95 * before, `${spec.family}: loss ${before.toFixed(4)} -> ${after.toFixed(4)}`);
    tf.dispose([x, y]);
    opt.dispose();
    model.dispose();
  }
});

test('batch norm: training mode moves the running statistics, inference mode does not', async () => {
  await initBackend();
  const model = createModel({ family: 'resnet18', width: 1 }, [8, 8, 1], 4, 0);
  const x = tf.add(tf.mul(tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 1), 3), 2) as tf.Tensor4D;
  const mean0 = await model.getLayerValues('block1').get('bn1_moving_mean')!.data();
  tf.dispose(model.forward(x, false));
  const values1 = model.getLayerValues('block1');
  assert.deepEqual(await values1.get('bn1_moving_mean')!.data(), mean0);
  tf.dispose(model.forward(x, true));
  const values2 = model.getLayerValues('block1');
  // PyTorch momentum 0.1: running = 0.9 * 0 + 0.1 * batch mean of the block input (stem output).
  const stem = model.forwardPoints(x, ['stem']).get('stem')!;
  const batchMean = await tf.mean(stem.reshape([-1, 1]), 0).data(); // the stem has k = 1 channel
  const running = await values2.get('bn1_moving_mean')!.data();
  assert.ok(Math.abs(running[0] - 0.1 * batchMean[0]) < 1e-5, `${running[0]} vs ${0.1 * batchMean[0]}`);
  tf.dispose([x, stem, ...values1.values(), ...values2.values()]);
  model.dispose();
});

test('layer values: get/set/copyLayers move kernels and batch-norm statistics; copying every layer copies the function', async () => {
  await initBackend();
  const a = createModel({ family: 'resnet18', width: 1 }, [8, 8, 1], 4, 1);
  const b = createModel({ family: 'resnet18', width: 1 }, [8, 8, 1], 4, 2);
  const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
  tf.dispose(a.forward(x, true)); // moves a's running statistics away from their initial values
  const va = a.getLayerValues('block3');
  assert.deepEqual(
    [...va.keys()],
    [
      'bn1_gamma',
      'bn1_beta',
      'bn1_moving_mean',
      'bn1_moving_variance',
      'conv1_kernel',
      'bn2_gamma',
      'bn2_beta',
      'bn2_moving_mean',
      'bn2_moving_variance',
      'conv2_kernel',
      'shortcut_kernel',
    ],
  );
  copyLayers(a, b, ['block3']);
  const vb = b.getLayerValues('block3');
  for (const [k, t] of va) assert.deepEqual(await vb.get(k)!.data(), await t.data(), k);
  assert.notDeepEqual(
    await b.getLayerValues('block2').get('conv1_kernel')!.data(),
    await a.getLayerValues('block2').get('conv1_kernel')!.data(),
  );
  copyLayers(a, b, a.layerNames);
  const [ya, yb] = [a.forward(x), b.forward(x)];
  assert.deepEqual(await yb.data(), await ya.data());
  assert.throws(() => b.setLayerValues('block3', new Map()), /expected 11 tensors/);
  assert.throws(() => a.layerParams('pool'), /'pool' is not a layer with parameters/);
  tf.dispose([x, ya, yb, ...va.values(), ...vb.values()]);
  a.dispose();
  b.dispose();
});

test('forwardStages: a prefix then the rest equals forward bit for bit, for every split point', async () => {
  await initBackend();
  for (const spec of [
    { family: 'cnn', width: 0.25 },
    { family: 'resnet18', width: 2 },
    { family: 'mlp', depth: 2, width: 9 },
  ] as ModelSpec[]) {
    const model = createModel(spec, [28, 28, 1], 10, 3);
    try {
      const x = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
      const full = model.forward(x).dataSync();
      for (let k = 0; k <= model.stages.length; k++) {
        const head = model.forwardStages(x, 0, k);
        const tail = model.forwardStages(head, k, model.stages.length);
        assert.deepEqual(Array.from(tail.dataSync()), Array.from(full), `${spec.family}: split at stage ${k}`);
        head.dispose();
        tail.dispose();
      }
      assert.throws(() => model.forwardStages(x, 2, 1), /bad stage range/);
      x.dispose();
    } finally {
      model.dispose();
    }
  }
});
