import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import { probeRun, openRun, readCsv, PROBE_COLUMNS, DEPTH_COLUMNS, InputError, sampleManifoldGroups } from 'memgeo';
import { copyRun, smokeRunDir } from '../geometry/fixtures';
import { nonNegativeCell } from '../tables/cells';

const SETTINGS = { M: 10, k: 5, layers: ['input', 'conv2', 'fc1', 'logits'], epochs: [0, 3], progress: 'none' as const };

test(
  'probeRun: tidy rows per (epoch, layer, type, probe) on the geometry sample, prediction depth per example; resumable',
  { timeout: 300_000 },
  async () => {
    const dir = copyRun(await smokeRunDir());
    const run = openRun(dir);
    const first = await probeRun(run, { ...SETTINGS, concurrency: 2 });
    assert.equal(first.computed, 2);
    assert.deepEqual(fs.readFileSync(first.file, 'utf8').split('\n')[0].split(','), PROBE_COLUMNS);
    assert.deepEqual(fs.readFileSync(first.depthFile, 'utf8').split('\n')[0].split(','), DEPTH_COLUMNS);
    assert.equal(first.rows.length, 2 * 4 * 3 * 3);
    // The probes read the geometry's examples: same P, M and seed give the same sample.
    const geo = sampleManifoldGroups(run.noisy, { P: 10, M: 10, seed: 0 });
    for (const kind of ['unpermuted', 'permuted', 'restored'] as const) {
      assert.deepEqual(
        [...first.sets[kind].fit],
        geo[kind]!.indices.flatMap((ix) => [...ix]),
      );
      const fit = new Set(first.sets[kind].fit);
      assert.ok(
        first.sets[kind].eval.length >= 10 && [...first.sets[kind].eval].every((i) => !fit.has(i)),
        'held-out part disjoint from the sample',
      );
    }
    for (const r of first.rows) {
      assert.ok(nonNegativeCell(r, 'accuracy') <= 1, `accuracy ${r.accuracy}`);
      if (r.probe === 'knn_loo') assert.deepEqual([r.n_fit, r.n_eval], [99, 100]);
      else assert.equal(r.n_fit, 100);
      assert.equal(r.k, r.probe === 'linear' ? null : 5);
    }
    // Pixels do not depend on the weights: the input rows agree at both epochs.
    const acc = (e: number, l: string, m: string, p: string) =>
      first.rows.find((r) => r.epoch === e && r.layer === l && r.manifold === m && r.probe === p)!.accuracy;
    for (const p of ['knn', 'knn_loo', 'linear']) assert.equal(acc(0, 'input', 'unpermuted', p), acc(3, 'input', 'unpermuted', p));
    // MNIST pixels already carry the true class: far above chance for true labels.
    assert.ok(Number(acc(0, 'input', 'unpermuted', 'knn')) > 0.5);
    // Depth: one row per unpermuted and permuted fitted example per epoch, values among the probed layer indices or one past the last.
    assert.equal(first.depthRows.length, 2 * 200);
    for (const r of first.depthRows) assert.ok([0, 2, 5, 6, 7].includes(Number(r.depth)), `depth ${r.depth}`);
    assert.deepEqual([...new Set(first.depthRows.map((r) => r.group))].sort(), ['permuted', 'unpermuted']);

    // Resume: drop one epoch's rows; only that epoch is recomputed, with the same numbers.
    const before = readCsv(first.file);
    fs.writeFileSync(
      first.file,
      fs
        .readFileSync(first.file, 'utf8')
        .split('\n')
        .filter((l, i) => i === 0 || !l.startsWith('3,'))
        .join('\n'),
    );
    const again = await probeRun(run, { ...SETTINGS, concurrency: 1 });
    assert.equal(again.computed, 1);
    assert.equal(again.reused, 1);
    assert.deepEqual(readCsv(again.file), before);
    const third = await probeRun(run, SETTINGS);
    assert.equal(third.computed, 0);
    // Other settings: refused, nothing lost; with replace, the tables are recomputed rather than mixed.
    const kept = fs.readFileSync(first.file, 'utf8');
    await assert.rejects(
      probeRun(run, { ...SETTINGS, k: 3 }),
      (e: unknown) => e instanceof InputError && /other settings \(k 5 → 3\)/.test((e as Error).message),
    );
    assert.equal(fs.readFileSync(first.file, 'utf8'), kept);
    const other = await probeRun(run, { ...SETTINGS, k: 3, epochs: [3], depth: false, replace: true });
    assert.equal(other.computed, 1);
    const otherRows = readCsv(other.file);
    assert.ok(otherRows.length > 0, 'the replaced table has rows');
    assert.ok(otherRows.every((r) => r.epoch === 3 && (r.k === 3 || r.k === null)));
    assert.equal(fs.existsSync(other.depthFile), false);
  },
);

test('probeRun: bad inputs are InputErrors and leave the tables alone', { timeout: 120_000 }, async () => {
  const dir = copyRun(await smokeRunDir());
  const run = openRun(dir);
  await assert.rejects(
    probeRun(run, { ...SETTINGS, k: 100 }),
    (e: unknown) => e instanceof InputError && /k = 100/.test((e as Error).message),
  );
  await assert.rejects(
    probeRun(run, { ...SETTINGS, layers: ['conv9'] }),
    (e: unknown) => e instanceof InputError && /unknown analysis point 'conv9'/.test((e as Error).message),
  );
  await assert.rejects(probeRun(run, { ...SETTINGS, epochs: [7] }), InputError);
  await assert.rejects(probeRun(run, { ...SETTINGS, metric: 'l1' as never }), /unknown kNN metric/);
  await assert.rejects(probeRun(run, { ...SETTINGS, M: 40 }), InputError);
  assert.equal(fs.existsSync(`${dir}/probes.csv`), false);
});
