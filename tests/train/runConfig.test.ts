import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffConfigs, InputError, isCheckpointEpoch, learningRateAt, resolveRunConfig, RUN_CONFIG_DEFAULTS } from 'memgeo';

test('defaults fill a partial config; optimizer defaults follow its kind', () => {
  assert.deepEqual(resolveRunConfig({}), RUN_CONFIG_DEFAULTS);
  const c = resolveRunConfig({ model: { family: 'mlp', depth: 2 }, optimizer: { kind: 'sgd' }, seed: 5 });
  assert.deepEqual(c.model, { family: 'mlp', depth: 2, width: 512 });
  assert.equal(c.optimizer.lr, 0.01);
  assert.equal(c.optimizer.momentum, 0.9);
  assert.equal(c.dataSeed, 5, 'dataSeed defaults to seed');
  assert.equal(
    resolveRunConfig({ optimizer: { kind: 'adam' } }).optimizer.lr,
    RUN_CONFIG_DEFAULTS.optimizer.lr,
    'the default kind keeps the default lr',
  );
  assert.deepEqual(resolveRunConfig({ noise: { epsilon: 0 } }).noise, { kind: 'none', epsilon: 0 });
  assert.deepEqual(resolveRunConfig({ checkpoints: [5, 1, 5] }).checkpoints, [1, 5]);
});

test('validation errors name the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ optimizer: { lr: -1 } }, /^config\.optimizer\.lr: must be > 0, got -1$/],
    [{ optimizer: { kind: 'rmsprop' } }, /config\.optimizer\.kind: must be one of sgd, adam/],
    [{ epochs: 2.5 }, /config\.epochs: must be an integer/],
    [{ batchSize: '128' }, /config\.batchSize: must be a number, got "128"/],
    [{ noise: { epsilon: 1.5 } }, /config\.noise\.epsilon: must be <= 1/],
    [{ noise: { kind: 'none', epsilon: 0.2 } }, /config\.noise\.epsilon: must be 0/],
    [{ lr: 0.1 }, /config\.lr: unknown field/],
    [{ schedule: { kind: 'step', every: 0 } }, /config\.schedule\.every: must be >= 1/],
    [{ schedule: { kind: 'cosine', every: 3 } }, /config\.schedule\.every: unknown field/],
    [{ model: { family: 'transformer' } }, /config\.model\.family: unknown model 'transformer'/],
    [{ model: { family: 'vgg', depth: 19 } }, /config\.model\.depth: must be one of 11, 13, 16/],
    [{ checkpoints: [1, -2] }, /config\.checkpoints\[1\]: must be >= 0/],
    [{ augment: { flip: 'yes' } }, /config\.augment\.flip: must be true or false/],
    [[], /config: expected an object/],
  ];
  for (const [input, re] of cases)
    assert.throws(
      () => resolveRunConfig(input),
      (e: Error) => e instanceof InputError && re.test(e.message),
      `${JSON.stringify(input)}`,
    );
});

test('diffConfigs lists the differing fields with both values', () => {
  const a = resolveRunConfig({});
  const b = resolveRunConfig({ optimizer: { lr: 0.01 }, model: { family: 'cnn', width: 2 } });
  assert.deepEqual(diffConfigs(a, b), ['model.width: 0.5 vs 2', 'optimizer.lr: 0.002 vs 0.01']);
  assert.deepEqual(diffConfigs(a, resolveRunConfig({})), []);
});

test('learning-rate schedules and checkpoint epochs', () => {
  const base = resolveRunConfig({ optimizer: { kind: 'sgd', lr: 0.1 }, epochs: 10 });
  assert.equal(learningRateAt(base, 7), 0.1);
  const step = resolveRunConfig({ optimizer: { kind: 'sgd', lr: 0.1 }, epochs: 10, schedule: { kind: 'step', every: 4, gamma: 0.5 } });
  assert.deepEqual(
    [0, 3, 4, 8].map((e) => learningRateAt(step, e)),
    [0.1, 0.1, 0.05, 0.025],
  );
  const cos = resolveRunConfig({ optimizer: { kind: 'sgd', lr: 0.1 }, epochs: 10, schedule: { kind: 'cosine', minLr: 0.01 } });
  assert.equal(learningRateAt(cos, 0), 0.1);
  assert.ok(Math.abs(learningRateAt(cos, 5) - 0.055) < 1e-12);
  assert.ok(learningRateAt(cos, 9) > 0.01 && learningRateAt(cos, 9) < 0.02);
  const sparse = resolveRunConfig({ epochs: 10, checkpoints: [2, 4] });
  assert.deepEqual(
    [0, 1, 2, 3, 4, 9, 10].map((e) => isCheckpointEpoch(sparse, e)),
    [true, false, true, false, true, false, true],
  );
});
