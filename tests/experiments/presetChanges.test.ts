// Changing a preset's settings for a folder that already holds results (Experiment.reconcilePreset).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openExperiment, PRESETS, reproduce, type Preset } from 'memgeo';

const tmp = (tag: string) => fs.mkdtempSync(path.join(os.tmpdir(), `memgeo-preset-${tag}-`));
const marker = (out: string, step: string) => path.join(out, '.steps', `${step}.json`);

/** The smoke preset with a cheaper width sweep (1 epoch, 200 images). */
function sweepPreset(widths: number[], epochs = 1): Preset {
  const smoke = PRESETS.smoke;
  return {
    ...smoke,
    doubleDescent: { ...smoke.doubleDescent, base: { ...smoke.doubleDescent.base, trainSize: 200, testSize: 200, epochs }, widths },
  };
}

test('changing only the widths of the sweep trains just the new widths; any other change retrains every point', async () => {
  const out = tmp('widths');
  await reproduce(sweepPreset([0.0625, 0.125]), { out, steps: ['double_descent'], progress: 'none' });
  const summary = () =>
    JSON.parse(fs.readFileSync(path.join(out, 'double-descent', 'double_descent_summary.json'), 'utf8')) as {
      computed: number;
      skipped: number;
    };
  assert.deepEqual([summary().computed, summary().skipped], [2, 0]);

  await reproduce(sweepPreset([0.0625, 0.125, 0.25]), { out, steps: ['double_descent'], progress: 'none' });
  assert.deepEqual([summary().computed, summary().skipped], [1, 2], 'the two finished widths are read back');
  const widths = new Set(
    fs
      .readFileSync(path.join(out, 'double_descent.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[3]),
  );
  assert.deepEqual([...widths].sort(), ['0.0625', '0.125', '0.25']);

  await reproduce(sweepPreset([0.0625, 0.125, 0.25], 2), { out, steps: ['double_descent'], progress: 'none' });
  assert.deepEqual([summary().computed, summary().skipped], [3, 0], 'another epoch count: every point is recomputed');
  fs.rmSync(out, { recursive: true, force: true });
});

test('a changed analysis section invalidates that step and the report; a changed main run is refused', () => {
  const out = tmp('sections');
  openExperiment(PRESETS.smoke, { out, progress: 'none' });
  fs.mkdirSync(path.join(out, '.steps'), { recursive: true });
  for (const step of ['geometry', 'rewinding', 'report']) fs.writeFileSync(marker(out, step), '{}');
  fs.writeFileSync(path.join(out, 'geometry.csv'), 'epoch\n0\n');
  const changed: Preset = { ...PRESETS.smoke, geometry: { ...PRESETS.smoke.geometry, layers: ['input', 'fc1'] } };
  openExperiment(changed, { out, progress: 'none' });
  assert.ok(!fs.existsSync(marker(out, 'geometry')) && !fs.existsSync(path.join(out, 'geometry.csv')), 'geometry forgotten');
  assert.ok(!fs.existsSync(marker(out, 'report')), 'report forgotten');
  assert.ok(fs.existsSync(marker(out, 'rewinding')), 'other steps kept');
  const otherRun: Preset = { ...changed, train: { ...changed.train, epochs: 5 } };
  assert.throws(() => openExperiment(otherRun, { out, progress: 'none' }), {
    name: 'InputError',
    message: /a main run with other training settings/,
  });
  fs.rmSync(out, { recursive: true, force: true });
});
