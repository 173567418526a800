// Config objects and library option objects: a null or unknown field is an InputError naming it and
// the known ones, never a silent default (JavaScript callers get no compile-time check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  analyzeRun,
  analyzeRunGradients,
  checkFields,
  checkOptions,
  checkSeed,
  InputError,
  manifoldAnalysis,
  manifoldAnalysisSeeds,
  resolveRunConfig,
  resolveWidthSweepConfig,
  rewindSweep,
  selectEpochs,
  simulatedCapacityPoints,
  train,
  widthSweep,
  type ManifoldPoints,
  type Run,
} from 'memgeo';

test('checkFields refuses unknown and null fields, except the nullable ones', () => {
  assert.throws(() => checkFields({ epoch: 1 }, 'config', ['epochs']), {
    name: 'InputError',
    message: 'config.epoch: unknown field (known: epochs)',
  });
  assert.throws(() => checkFields({ epochs: null }, 'config', ['epochs']), {
    name: 'InputError',
    message: /config\.epochs: null is not a value for this field; leave the field out for its default/,
  });
  checkFields({ trainSize: null, epochs: 3 }, 'config', ['trainSize', 'epochs'], ['trainSize']);
  assert.deepEqual(checkOptions(undefined, 'f', ['a']), {});
  assert.throws(() => checkOptions({ nt: 10 } as object, 'f', ['nT', 'seed']), {
    name: 'InputError',
    message: "f: unknown option 'nt' (known: nT, seed)",
  });
  assert.throws(() => checkOptions({ nT: null } as object, 'f', ['nT']), { name: 'InputError', message: /option 'nT' is null/ });
  assert.throws(() => checkOptions(5 as never, 'f', ['nT']), { name: 'InputError', message: /options must be an object/ });
  checkOptions({ nT: undefined }, 'f', ['nT']);
});

test('run and sweep configs: null means "whole split" only for trainSize/testSize; everywhere else it is refused', () => {
  assert.equal(resolveRunConfig({ trainSize: null }).trainSize, null);
  for (const [cfg, re] of [
    [{ epochs: null }, /config\.epochs: null is not a value/],
    [{ noise: null }, /config\.noise: null is not a value/],
    [{ noise: { epsilon: null } }, /config\.noise\.epsilon: null is not a value/],
    [{ optimizer: { lr: null } }, /config\.optimizer\.lr: null is not a value/],
    [{ seed: null }, /config\.seed: null/],
    [{ model: { family: 'mlp', width: null } }, /config\.model\.width: must be/],
    [
      { model: { family: 'mlp', width: 1e7 } },
      /config\.model\.width: must be an integer number of units in 1\.\.16384 \(a wider layer would not fit in memory\)/,
    ],
    [{ seed: 2 ** 32 }, /config\.seed: must be <= 4294967295/],
    [{ seed: 1e30 }, /config\.seed: must be <= 4294967295/],
    [{ epochs: 100001 }, /config\.epochs: must be <= 100000/],
  ] as [Record<string, unknown>, RegExp][]) {
    assert.throws(() => resolveRunConfig(cfg), { name: 'InputError', message: re }, JSON.stringify(cfg));
  }
  const base = { base: { trainSize: 100 }, widths: [1] };
  assert.equal(resolveWidthSweepConfig({ ...base, analysis: null, layers: null }).analysis, null);
  assert.throws(() => resolveWidthSweepConfig({ ...base, seeds: null }), {
    name: 'InputError',
    message: /sweep config\.seeds: null is not a value/,
  });
  assert.throws(() => resolveWidthSweepConfig({ ...base, seeds: [2 ** 32] }), {
    name: 'InputError',
    message: /sweep config\.seeds\[0\]: must be an integer in 0\.\.4294967295/,
  });
  assert.throws(
    () => resolveWidthSweepConfig({ ...base, analysis: { P: 2, M: 2, nT: 1e9, seeds: 1, projectionDim: 5, mode: 'stable', kappa: 0 } }),
    { name: 'InputError', message: /analysis\.nT: must be at most 100000/ },
  );
  assert.throws(
    () => resolveWidthSweepConfig({ ...base, analysis: { P: 2, M: 2, nT: 5, seeds: 1, projectionDim: 5, mode: 'stable', kappa: null } }),
    { name: 'InputError', message: /analysis\.kappa: null/ },
  );
});

function cloud(points: number, features: number, seed: number): ManifoldPoints {
  let x = seed * 7919 + 1;
  const data = Float64Array.from({ length: points * features }, (_, i) => {
    x = (x * 48271) % 2147483647;
    return (i % features === seed % features ? 3 : 0) + x / 2147483647;
  });
  return { data, numPoints: points, ambientDim: features };
}

test('library options: typos, huge n_t and out-of-range seeds are InputErrors (no RangeError, no wrap)', async () => {
  const m = [cloud(5, 8, 1), cloud(5, 8, 2), cloud(5, 8, 3)];
  await assert.rejects(manifoldAnalysis(m, { nt: 10 } as never), {
    name: 'InputError',
    message: /manifoldAnalysis: unknown option 'nt' \(known: kappa, nT, nReps, seed/,
  });
  await assert.rejects(manifoldAnalysis(m, { nT: 1e9 }), {
    name: 'InputError',
    message: /nT \(n_t\) must be at most 100000, got 1000000000: the capacity estimate's sampling error/,
  });
  await assert.rejects(manifoldAnalysis(m, { seed: 2 ** 32 }), {
    name: 'InputError',
    message: /seed: a seed must be an integer in 0\.\.4294967295/,
  });
  await assert.rejects(manifoldAnalysis(m, { seed: 1.5 }), { name: 'InputError', message: /a seed must be an integer/ });
  await assert.rejects(manifoldAnalysisSeeds(m, { seed: 3 } as never), {
    name: 'InputError',
    message: /manifoldAnalysisSeeds: unknown option 'seed' \(known: .*seeds, firstSeed\)/,
  });
  await assert.rejects(manifoldAnalysisSeeds(m, { seeds: 2, firstSeed: 2 ** 32 - 1 }), {
    name: 'InputError',
    message: /firstSeed \+ 1\): a seed must be an integer/,
  });
  await assert.rejects(manifoldAnalysisSeeds(m, { seeds: 1e6 }), { name: 'InputError', message: /seeds: at most 1000, got 1000000/ });
  assert.throws(() => checkSeed(-1, 'x'), InputError);
  // The pipeline functions check their options before touching the run.
  const noRun = {} as Run;
  await assert.rejects(analyzeRun(noRun, { seeds: 1e9 }), { name: 'InputError', message: /seeds must be at most 1000, got 1000000000/ });
  await assert.rejects(analyzeRun(noRun, { nt: 10 } as never), {
    name: 'InputError',
    message: /analyzeRun: unknown option 'nt' \(known: P, M, nT/,
  });
  await assert.rejects(simulatedCapacityPoints(noRun, { nrep: 3 } as never), {
    name: 'InputError',
    message: /simulatedCapacityPoints: unknown option 'nrep'/,
  });
  await assert.rejects(rewindSweep(noRun, { mode: ['last'] } as never), {
    name: 'InputError',
    message: /rewindSweep: unknown option 'mode' \(known: modes,/,
  });
  await assert.rejects(analyzeRunGradients(noRun, { epoch: [0] } as never), {
    name: 'InputError',
    message: /analyzeRunGradients: unknown option 'epoch'/,
  });
  await assert.rejects(analyzeRunGradients(noRun, { seed: 2 ** 32 }), { name: 'InputError', message: /seed: a seed must be/ });
  await assert.rejects(train({}, { out: '/nonexistent', fallbak: true } as never), {
    name: 'InputError',
    message: /train: unknown option 'fallbak'/,
  });
  await assert.rejects(
    widthSweep({ base: {}, widths: [1], noiseKinds: ['permute'], analysis: null }, { out: '/nonexistent', workers: 2 } as never),
    { name: 'InputError', message: /widthSweep: unknown option 'workers'/ },
  );
});

test('selectEpochs: a huge count selects every checkpoint at once; a long missing list is shortened', () => {
  const have = [0, 1, 2, 5];
  const t0 = performance.now();
  assert.deepEqual(selectEpochs({ count: 1e9 }, have), have);
  assert.ok(performance.now() - t0 < 1000);
  assert.throws(
    () =>
      selectEpochs(
        Array.from({ length: 1000 }, (_, i) => i),
        have,
      ),
    { name: 'InputError', message: /no checkpoint for epoch\(s\) 3, 4, 6, 7, .*\(996 in all\)/ },
  );
});
