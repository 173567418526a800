// The one validation of analysis settings (lib/src/manifold/analysisSettings.ts): every caller (a run's
// geometry, the width sweep's config, manifoldAnalysis, the presets) gets the same bounds, each message
// naming the field the way that caller's user wrote it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ANALYSIS_DEFAULTS,
  ANALYZE_RUN_DEFAULTS,
  checkAnalysisSettings,
  isAnalysisMode,
  manifoldAnalysis,
  MAX_ANALYSIS_SEEDS,
  MAX_N_T,
  PRESETS,
  resolveAnalysisSettings,
  resolveWidthSweepConfig,
} from 'memgeo';

test('the defaults pass, and are the ones analyzeRun fills in (docs/paper.md §3.5)', () => {
  assert.doesNotThrow(() => checkAnalysisSettings(ANALYSIS_DEFAULTS));
  assert.deepEqual(ANALYSIS_DEFAULTS, { P: 10, M: 50, nT: 200, seeds: 3, projectionDim: 5000, mode: 'stable', kappa: 0 });
  assert.equal(ANALYZE_RUN_DEFAULTS, ANALYSIS_DEFAULTS);
  assert.deepEqual(resolveAnalysisSettings({}).settings, ANALYSIS_DEFAULTS);
  for (const [name, preset] of Object.entries(PRESETS)) {
    assert.doesNotThrow(() => checkAnalysisSettings(preset.geometry.analysis), `${name}.geometry.analysis`);
    assert.equal(preset.geometry.analysis.kappa, 0, `${name}: the paper's margin`);
  }
});

test('each bound is refused with a message naming the field', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ P: 1 }, /^P \(manifolds\) must be an integer >= 2, got 1$/],
    [{ M: 2.5 }, /^M \(examples per manifold\) must be an integer >= 2, got 2.5$/],
    [{ nT: 0 }, /^n_t must be an integer >= 1, got 0$/],
    [{ nT: MAX_N_T + 1 }, /^n_t must be at most 100000, got 100001: the capacity estimate's sampling error/],
    [{ seeds: MAX_ANALYSIS_SEEDS + 1 }, /^seeds must be at most 1000, got 1001: the mean over 1000 seeds/],
    [{ projectionDim: '5000' }, /^projectionDim must be an integer >= 1, got '5000'$/],
    [{ kappa: Infinity }, /^kappa must be a finite number, got Infinity$/],
    [{ mode: 'fast' }, /^mode must be 'stable' or 'faithful', got 'fast'$/],
    [{ mode: undefined }, /^mode must be 'stable' or 'faithful', got undefined$/],
  ];
  for (const [change, message] of bad)
    assert.throws(
      () => checkAnalysisSettings({ ...ANALYSIS_DEFAULTS, ...change }),
      { name: 'InputError', message },
      JSON.stringify(change),
    );
  // A negative margin is a margin (the capacity is defined for any κ), not an error.
  assert.doesNotThrow(() => checkAnalysisSettings({ ...ANALYSIS_DEFAULTS, kappa: -0.5 }));
  assert.ok(isAnalysisMode('faithful') && isAnalysisMode('stable') && !isAnalysisMode('fast') && !isAnalysisMode(undefined));
});

test('callers name the fields their own way: a sweep config by its path, manifoldAnalysis by its option', async () => {
  assert.throws(() => checkAnalysisSettings({ ...ANALYSIS_DEFAULTS, M: 1 }, (k) => `sweep config.analysis.${k}:`), {
    message: 'sweep config.analysis.M: must be an integer >= 2, got 1',
  });
  const base = { dataset: 'mnist', model: { family: 'cnn', width: 0.25 }, epochs: 1 };
  assert.throws(() => resolveWidthSweepConfig({ base, widths: [0.25], analysis: { ...ANALYSIS_DEFAULTS, nT: 1e6 } }), {
    name: 'InputError',
    message: /^sweep config\.analysis\.nT: must be at most 100000, got 1000000: /,
  });
  assert.throws(() => resolveWidthSweepConfig({ base, widths: [0.25], analysis: { ...ANALYSIS_DEFAULTS, seeds: 5000 } }), {
    name: 'InputError',
    message: /^sweep config\.analysis\.seeds: must be at most 1000, got 5000: /,
  });
  // Only the fields asked for are checked (manifoldAnalysis has no P, M or seeds of its own).
  assert.doesNotThrow(() => checkAnalysisSettings({ nT: 10 }, undefined, ['nT']));
  const two = [0, 1].map((i) => ({ numPoints: 3, ambientDim: 4, data: Float64Array.from({ length: 12 }, (_, j) => Math.sin(j + 7 * i)) }));
  await assert.rejects(manifoldAnalysis(two, { nT: 0 }), { name: 'InputError', message: /^nT \(n_t\) must be an integer >= 1, got 0$/ });
  await assert.rejects(manifoldAnalysis(two, { mode: 'fast' as 'stable' }), {
    name: 'InputError',
    message: /^mode must be 'stable' or 'faithful'/,
  });
});
