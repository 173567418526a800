// ml-matrix Matrix objects as point sets: the same manifolds as nested arrays, for the manifold
// analysis (through manifoldsFromMatrices) and the participation ratio (directly).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix } from 'ml-matrix';
import {
  manifoldsFromMatrices,
  manifoldsFromPoints,
  asManifoldPoints,
  manifoldAnalysis,
  manifoldAnalysisSeeds,
  allDataDimension,
  simulatedCapacity,
  participationRatio,
  validateManifolds,
  Rng,
} from 'memgeo';

const rng = new Rng(3);
const P = 4,
  M = 7,
  N = 12;
const arrays = Array.from({ length: P }, (_, i) =>
  Array.from({ length: M }, () => Array.from({ length: N }, (_, f) => rng.normal() + (f === i ? 3 : 0))),
);

test('manifoldsFromMatrices: rows = points by default, or features × samples; equal to the nested arrays', () => {
  const fromArrays = manifoldsFromPoints(arrays);
  assert.deepEqual(manifoldsFromMatrices(arrays.map((a) => new Matrix(a))), fromArrays);
  assert.deepEqual(
    manifoldsFromMatrices(
      arrays.map((a) => new Matrix(a).transpose()),
      { layout: 'features' },
    ),
    fromArrays,
  );
  assert.deepEqual(asManifoldPoints(arrays.map((a) => new Matrix(a))), fromArrays);
  assert.deepEqual(asManifoldPoints(arrays), fromArrays);
  assert.equal(asManifoldPoints(fromArrays), fromArrays, 'ManifoldPoints pass through');
});

test('participation ratio takes Matrices; manifold analysis of converted Matrices = of arrays; a bare Matrix list is a clear error', async () => {
  const ms = arrays.map((a) => new Matrix(a));
  assert.equal(participationRatio(ms), participationRatio(manifoldsFromPoints(arrays)));
  const a = await manifoldAnalysis(manifoldsFromMatrices(ms), { seed: 0, nT: 50 });
  const b = await manifoldAnalysis(manifoldsFromPoints(arrays), { seed: 0, nT: 50 });
  assert.equal(a.capacity, b.capacity);
  assert.ok(a.capacity > 0);
  assert.throws(() => validateManifolds(ms as never), {
    name: 'InputError',
    message: /ml-matrix Matrix: convert the list with manifoldsFromMatrices/,
  });
});

test('manifoldAnalysis, manifoldAnalysisSeeds, allDataDimension and simulatedCapacity take Matrices and nested arrays directly', async () => {
  const ms = arrays.map((a) => new Matrix(a));
  const pts = manifoldsFromPoints(arrays);
  for (const input of [ms, arrays]) {
    assert.equal(
      (await manifoldAnalysis(input, { seed: 0, nT: 50 })).capacity,
      (await manifoldAnalysis(pts, { seed: 0, nT: 50 })).capacity,
    );
    assert.equal(
      (await manifoldAnalysisSeeds(input, { seeds: 2, nT: 50 })).capacity.mean,
      (await manifoldAnalysisSeeds(pts, { seeds: 2, nT: 50 })).capacity.mean,
    );
    assert.deepEqual(allDataDimension(input), allDataDimension(pts));
    assert.equal(simulatedCapacity(input, { nRep: 5, seed: 1 }).capacity, simulatedCapacity(pts, { nRep: 5, seed: 1 }).capacity);
  }
});
