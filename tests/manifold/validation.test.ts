import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { manifoldAnalysis, manifoldsFromFeatureMajor, manifoldsFromPoints, manifoldsFromNpy, Rng, type ManifoldPoints } from 'memgeo';

const cloud = (M: number, N: number, seed: number): ManifoldPoints => ({
  numPoints: M,
  ambientDim: N,
  data: new Rng(seed).fillNormal(new Float64Array(M * N)),
});

test('bad input is rejected with an InputError that says what is wrong', async () => {
  const ok = [cloud(5, 8, 1), cloud(5, 8, 2), cloud(5, 8, 3)];
  await assert.rejects(manifoldAnalysis([ok[0]]), { name: 'InputError', message: /at least 2 manifolds/ });
  await assert.rejects(manifoldAnalysis([ok[0], cloud(1, 8, 4)]), { name: 'InputError', message: /at least 2 points/ });
  await assert.rejects(manifoldAnalysis([ok[0], cloud(5, 7, 4)]), { name: 'InputError', message: /ragged feature counts/ });
  const nan = cloud(5, 8, 5);
  nan.data[7] = NaN;
  await assert.rejects(manifoldAnalysis([ok[0], nan]), { name: 'InputError', message: /non-finite value NaN at point 0, feature 7/ });
  const inf = cloud(5, 8, 6);
  inf.data[12] = Infinity;
  await assert.rejects(manifoldAnalysis([ok[0], inf]), { name: 'InputError', message: /non-finite/ });
  await assert.rejects(manifoldAnalysis(ok, { nT: 0 }), { name: 'InputError', message: /nT/ });
  await assert.rejects(manifoldAnalysis(ok, { mode: 'fast' as never }), { name: 'InputError', message: /mode/ });
  assert.throws(() => manifoldsFromFeatureMajor([[[1, 2], [3]]]), { name: 'InputError', message: /ragged/ });
});

test('a manifold whose centre is the global mean (vanishing centre) is an error, not numbers', async () => {
  // Manifold 1's centre equals the mean of all points: manifolds 0 and 2 are mirror images.
  const a = cloud(4, 6, 7);
  const mirror = { numPoints: 4, ambientDim: 6, data: a.data.map((v) => -v) };
  const b = cloud(4, 6, 8);
  const c0 = new Float64Array(6);
  for (let s = 0; s < 4; s++) for (let f = 0; f < 6; f++) c0[f] += b.data[s * 6 + f] / 4;
  for (let s = 0; s < 4; s++) for (let f = 0; f < 6; f++) b.data[s * 6 + f] -= c0[f];
  await assert.rejects(manifoldAnalysis([a, b, mirror]), {
    name: 'InputError',
    message: /manifold 1: its centre coincides with the global mean/,
  });
});

test('with P ≥ 64 the restart workers, already running when the bad centre is found, are stopped', () => {
  // In a child process: if the workers were left running the process would never exit.
  const script = `
    const { manifoldAnalysis, Rng } = require('memgeo');
    const cloud = (seed) => new Rng(seed).fillNormal(new Float64Array(24));
    const b = cloud(8);
    for (let f = 0; f < 6; f++) { let c = 0; for (let s = 0; s < 4; s++) c += b[s * 6 + f] / 4; for (let s = 0; s < 4; s++) b[s * 6 + f] -= c; }
    const many = [{ numPoints: 4, ambientDim: 6, data: b }];
    for (let i = 0; i < 32; i++) { const d = cloud(100 + i); many.push({ numPoints: 4, ambientDim: 6, data: d }, { numPoints: 4, ambientDim: 6, data: d.map((v) => -v) }); }
    manifoldAnalysis(many, { concurrency: 2 }).then(() => console.log('resolved'), (e) => console.log('rejected: ' + e.message));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 120_000, cwd: __dirname });
  assert.equal(r.signal, null, 'the process exited by itself');
  assert.match(r.stdout, /rejected: manifold 0: its centre coincides with the global mean/);
});

test('input helpers: [feature][sample], [sample][feature] and (P, M, N) arrays give the same manifolds', () => {
  const fm = manifoldsFromFeatureMajor([
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
  ]); // N = 2 features, M = 3 samples
  const pm = manifoldsFromPoints([
    [
      [1, 4],
      [2, 5],
      [3, 6],
    ],
  ]);
  const npy = manifoldsFromNpy({ shape: [1, 3, 2], dtype: 'f8', data: Float64Array.of(1, 4, 2, 5, 3, 6) });
  assert.deepEqual(fm, pm);
  assert.deepEqual(fm, npy);
  assert.equal(fm[0].numPoints, 3);
  assert.equal(fm[0].ambientDim, 2);
  assert.throws(() => manifoldsFromNpy({ shape: [3, 2], dtype: 'f8', data: new Float64Array(6) }), /shape \(P, M, N\)/);
});
