import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import {
  analyzeRun,
  openRun,
  readCsv,
  writeCsv,
  GEOMETRY_COLUMNS,
  extractActivations,
  manifoldsFromActivations,
  manifoldAnalysisSeeds,
  participationRatio,
  gatherImages,
  simulatedCapacityPoints,
  SIMCAP_COLUMNS,
  InputError,
} from 'memgeo';
import { copyRun, smokeRunDir } from './fixtures';
import { nonNegativeCell } from '../tables/cells';

// Small settings so the analysis runs in seconds on the smoke run (P = 10 MNIST classes).
const SETTINGS = { M: 8, nT: 30, seeds: 2, layers: ['input', 'conv2', 'logits'], epochs: [0, 3], progress: 'none' as const };

test(
  'analyzeRun: one row per (epoch, layer, type) with the documented columns; same examples at every epoch; resumable',
  { timeout: 300_000 },
  async () => {
    const dir = copyRun(await smokeRunDir());
    const run = openRun(dir);
    const first = await analyzeRun(run, { ...SETTINGS, concurrency: 2 });
    assert.equal(first.file, path.join(dir, 'geometry.csv'));
    assert.equal(first.computed, 2 * 3 * 3);
    assert.equal(first.reused, 0);
    assert.equal(first.rows.length, 18);
    const header = fs.readFileSync(first.file, 'utf8').split('\n')[0].split(',');
    assert.deepEqual(header, GEOMETRY_COLUMNS);
    for (const c of [
      'epoch',
      'layer',
      'layer_index',
      'manifold',
      'capacity',
      'radius',
      'dimension',
      'center_correlation',
      'K',
      'participation_ratio',
      'P',
      'M',
      'n_t',
      'seed',
      'capacity_std',
      'radius_std',
      'dimension_std',
    ])
      assert.ok(header.includes(c), c);
    for (const r of first.rows) {
      assert.ok(Number(r.capacity) > 0 && Number.isFinite(Number(r.capacity)), `capacity ${r.capacity}`);
      assert.ok(Number(r.radius) > 0 && Number(r.dimension) > 0 && Number(r.participation_ratio) >= 1);
      nonNegativeCell(r, 'capacity_std');
      assert.deepEqual([r.P, r.M, r.n_t, r.n_seeds, r.seed, r.mode], [10, 8, 30, 2, 0, 'stable']);
    }
    assert.deepEqual(first.layerIndex, { input: 0, conv2: 2, logits: 6 });
    assert.deepEqual([...new Set(first.rows.map((r) => r.manifold))].sort(), ['permuted', 'restored', 'unpermuted']);
    // The input layer does not depend on the weights: identical rows at every epoch show that the same
    // examples (and analysis seeds) were used.
    for (const kind of ['unpermuted', 'permuted', 'restored']) {
      const [a, b] = [0, 3].map((e) => first.rows.find((r) => r.epoch === e && r.layer === 'input' && r.manifold === kind)!);
      for (const c of ['capacity', 'radius', 'dimension', 'participation_ratio']) assert.equal(a[c], b[c], `${kind} ${c}`);
    }
    // A hidden-layer cell recomputed here from the returned samples gives the table's numbers.
    const model = run.loadModelAt(3);
    const data = await run.loadData();
    const sample = first.samples.permuted!;
    const order = sample.indices.flatMap((ix) => Array.from(ix));
    assert.equal(order.length, 10 * 8);
    for (const i of order) assert.equal(run.noisy.isPermuted[i], 1);
    const acts = await extractActivations(model, gatherImages(data.train.images, order, 28 * 28), ['conv2']);
    model.dispose();
    const manifolds = manifoldsFromActivations(acts.get('conv2')!, 10, 8);
    const s = await manifoldAnalysisSeeds(manifolds, { seeds: 2, nT: 30, concurrency: 1 });
    const row = first.rows.find((r) => r.epoch === 3 && r.layer === 'conv2' && r.manifold === 'permuted')!;
    assert.ok(Math.abs(Number(row.capacity) - s.capacity.mean) < 1e-12 * s.capacity.mean, `${row.capacity} vs ${s.capacity.mean}`);
    assert.ok(Math.abs(Number(row.participation_ratio) - participationRatio(manifolds)) < 1e-9);

    // Second call: nothing new is computed and the file is untouched.
    const before = fs.readFileSync(first.file, 'utf8');
    const again = await analyzeRun(run, { ...SETTINGS, concurrency: 2 });
    assert.equal(again.computed, 0);
    assert.equal(again.reused, 18);
    assert.equal(fs.readFileSync(first.file, 'utf8'), before);

    // An interrupted table (some cells missing) is completed — here by one worker — with the same values.
    const all = readCsv(first.file);
    const kept = all.filter((_, i) => i % 3 !== 1);
    writeCsv(first.file, kept, GEOMETRY_COLUMNS);
    const resumed = await analyzeRun(run, { ...SETTINGS, concurrency: 1 });
    assert.equal(resumed.computed, all.length - kept.length);
    const key = (r: Record<string, unknown>) => `${r.epoch}|${r.layer}|${r.manifold}`;
    for (const r of resumed.rows) {
      const o = all.find((x) => key(x) === key(r))!;
      for (const c of ['capacity', 'radius', 'dimension', 'center_correlation', 'K', 'participation_ratio', 'capacity_std'])
        assert.equal(r[c], o[c], `${key(r)} ${c}`);
    }

    // Other settings are other rows: the old ones stay, nothing of them is reused.
    const other = await analyzeRun(run, { ...SETTINGS, epochs: [3], layers: ['input'], seeds: 1 });
    assert.equal(other.computed, 3);
    assert.equal(readCsv(first.file).length, 18 + 3);

    // Fig. 1B points from this table: MFT and simulated capacity of the same points, resumable.
    const sc = await simulatedCapacityPoints(run, {
      M: 8,
      nT: 30,
      seeds: 2,
      points: 2,
      nRep: 5,
      simcapM: 6,
      geometry: resumed.rows,
      progress: 'none',
    });
    assert.equal(sc.rows.length, 2);
    assert.deepEqual(fs.readFileSync(sc.file, 'utf8').split('\n')[0].split(','), SIMCAP_COLUMNS);
    for (const r of sc.rows) {
      assert.ok(Number(r.n_features) >= 8); // layers with fewer features than M are not candidates
      assert.equal(r.M, 6);
      assert.equal(r.n_rep, 5);
      assert.ok(Number(r.capacity) > 0);
      assert.ok(Number.isFinite(Number(r.simulated_capacity)) || String(r.note).includes('not bracketed'), String(r.note));
    }
    const sc2 = await simulatedCapacityPoints(run, {
      M: 8,
      nT: 30,
      seeds: 2,
      points: 2,
      nRep: 5,
      simcapM: 6,
      geometry: resumed.rows,
      progress: 'none',
    });
    assert.equal(sc2.computed, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test('analyzeRun: bad options are InputErrors that name the problem', { timeout: 120_000 }, async () => {
  const run = openRun(await smokeRunDir());
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ layers: ['conv9'] }, /unknown analysis point 'conv9'/],
    [{ epochs: [7] }, /no checkpoint for epoch\(s\) 7/],
    [{ M: 500 }, /fewer than M = 500/],
    [{ P: 11 }, /P must be an integer in \[1, 10\]/],
    [{ mode: 'fast' }, /mode must be 'stable' or 'faithful'/],
    [{ seeds: 0 }, /seeds must be an integer >= 1/],
    [{ manifolds: ['shuffled'] }, /unknown manifold type 'shuffled'/],
  ];
  for (const [opts, re] of bad)
    await assert.rejects(
      analyzeRun(run, { ...SETTINGS, ...opts, file: '/nonexistent/never-written.csv' }),
      (e: Error) => e instanceof InputError && re.test(e.message),
      JSON.stringify(opts),
    );
});
